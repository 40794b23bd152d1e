import { describe, expect, it } from 'vitest';
import { listQuery, nextSort, pageCount, rangeLabel } from './list-params';

describe('file list params', () => {
  it('builds the server query: 50 a page, trimmed search, filters only when set', () => {
    expect(listQuery({ q: '  demo ', purpose: '', sort: 'bytes', order: 'asc', page: 2 })).toEqual({ limit: 50, offset: 100, sort: 'bytes', order: 'asc', q: 'demo' });
    expect(listQuery({ q: '', purpose: 'fine-tune', sort: 'created_at', order: 'desc', page: 0 })).toEqual({ limit: 50, offset: 0, sort: 'created_at', order: 'desc', purpose: 'fine-tune' });
  });
  it('labels the visible range', () => {
    expect(rangeLabel(0, 50, 123)).toBe('1–50 of 123');
    expect(rangeLabel(2, 23, 123)).toBe('101–123 of 123');
    expect(rangeLabel(0, 0, 0)).toBe('0 of 0');
    expect(rangeLabel(0, 50, 10_000)).toBe('1–50 of 10,000');
    expect(pageCount(0)).toBe(1);
    expect(pageCount(101)).toBe(3);
  });
  it('flips the order on the same column and starts new columns in their natural order', () => {
    expect(nextSort({ sort: 'created_at', order: 'desc' }, 'created_at')).toEqual({ sort: 'created_at', order: 'asc' });
    expect(nextSort({ sort: 'created_at', order: 'desc' }, 'filename')).toEqual({ sort: 'filename', order: 'asc' });
    expect(nextSort({ sort: 'filename', order: 'asc' }, 'bytes')).toEqual({ sort: 'bytes', order: 'desc' });
  });
});
