import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { availablePort, launchOverrides } from './launch-options.js';

describe('launch options', () => {
  it('reads test overrides from a checkout only', () => {
    const argv = ['/electron', '.', '--hone-user-data=/tmp/p', '--hone-port=0'];
    expect(launchOverrides(argv, false)).toEqual({ userData: '/tmp/p', port: 0 });
    expect(launchOverrides(argv, true)).toEqual({ userData: null, port: null });
    expect(launchOverrides(['--hone-port=99999'], false).port).toBeNull();
  });

  it('falls back to any free port when the preferred one is taken', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const taken = (srv.address() as { port: number }).port;
    expect(await availablePort(taken)).toBe(0);
    await new Promise((r) => srv.close(r));
    expect(await availablePort(taken)).toBe(taken);
  });
});
