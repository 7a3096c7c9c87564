// The table of app checks: a clean app reports nothing.
import { messagesOf, workload } from './helpers';

test('a clean app reports nothing', () => {
  const { app } = workload();
  expect(messagesOf(app)).toEqual([]);
});
