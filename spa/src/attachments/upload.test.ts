import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { uploadAll, uploadMessage } from './upload';

const file = (name: string) => new File(['x'], name);

describe('uploadAll', () => {
  it('tries every file and reports only the refused ones, with a sentence each', async () => {
    const sent: string[] = [];
    const failed = await uploadAll([file('a.png'), file('big.iso'), file('c.txt')], async (f) => {
      sent.push(f.name);
      if (f.name === 'big.iso') throw new ApiError(413, { type: 'https://helpdesk.example/problems/payload-too-large', status: 413 });
    });
    expect(sent).toEqual(['a.png', 'big.iso', 'c.txt']);
    expect(failed.map((x) => x.file.name)).toEqual(['big.iso']);
    expect(failed[0].message).toMatch(/larger than the helpdesk accepts/);
  });

  it('words a refused file name and an unreachable server', () => {
    const bad = new ApiError(400, { type: 'x/bad-request', errors: [{ field: 'filename', message: 'the query argument filename names the file' }] });
    expect(uploadMessage(bad)).toBe('The query argument filename names the file');
    expect(uploadMessage(new ApiError(0, undefined, 'Cannot reach the helpdesk.'))).toBe('Cannot reach the helpdesk.');
  });
});
