import { attemptOf } from './job-attempt';

describe('attemptOf', () => {
  it('numbers runs from 1 and knows the last one', () => {
    expect(attemptOf({ attemptsMade: 0, opts: { attempts: 3 } })).toEqual({ number: 1, last: false });
    expect(attemptOf({ attemptsMade: 1, opts: { attempts: 3 } })).toEqual({ number: 2, last: false });
    expect(attemptOf({ attemptsMade: 2, opts: { attempts: 3 } })).toEqual({ number: 3, last: true });
  });

  it('treats a job without retries as on its last run', () => {
    expect(attemptOf({ attemptsMade: 0, opts: {} })).toEqual({ number: 1, last: true });
  });
});
