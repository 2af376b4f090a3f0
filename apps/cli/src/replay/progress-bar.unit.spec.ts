import { Writable } from 'node:stream';
import { ReplayProgressBar } from './progress-bar';

/** A stream that keeps what is written; a terminal or not. */
function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  Object.assign(stream, { isTTY, columns: 120 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('ReplayProgressBar', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  describe('when stderr is not a terminal (CI logs)', () => {
    it('prints plain lines at the start, every few seconds and at the end', () => {
      const out = capture(false);
      const bar = new ReplayProgressBar({ label: 'rebuild r1', stream: out.stream });

      bar.start({ processed: 0, total: 2000 });
      bar.update({ processed: 100, total: 2000 });
      jest.advanceTimersByTime(10_000);
      bar.update({ processed: 500, total: 2000 });
      jest.advanceTimersByTime(5_000);
      bar.update({ processed: 2000, total: 2000 });
      bar.stop();

      const lines = out.text().split('\n');
      expect(lines).toEqual([
        'rebuild r1 [....................] 0% 0/2000 events, 0/s',
        'rebuild r1 [#...................] 5% 100/2000 events, 20/s ETA 1m35s',
        'rebuild r1 [#...................] 5% 100/2000 events, 10/s ETA 3m10s',
        'rebuild r1 [#####...............] 25% 500/2000 events, 33/s ETA 45s',
        'rebuild r1 [####################] 100% 2000/2000 events, 133/s',
        '',
      ]);
    });

    it('leaves the bar out while the total is unknown and adds the note', () => {
      const out = capture(false);
      const bar = new ReplayProgressBar({ label: 'republish r2', stream: out.stream });

      bar.start({ processed: 0 });
      jest.advanceTimersByTime(2_000);
      bar.update({ processed: 40, note: 'delivered 30' });
      bar.stop();

      expect(out.text()).toBe(
        'republish r2 0 events, 0/s\nrepublish r2 40 events, 20/s, delivered 30\n',
      );
    });
  });

  describe('when stderr is a terminal', () => {
    it('redraws one line in place and ends it with a newline', () => {
      const out = capture(true);
      const bar = new ReplayProgressBar({ label: 'rebuild r1', stream: out.stream });

      bar.start({ processed: 0, total: 2000 });
      jest.advanceTimersByTime(10_000);
      bar.update({ processed: 500, total: 2000 });
      jest.advanceTimersByTime(1_000);
      bar.stop();

      const text = out.text();
      expect(text).toContain('\x1b[');
      expect(text).toContain('rebuild r1 [#####...............] 25% 500/2000 events');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n')).toHaveLength(2);
    });
  });
});
