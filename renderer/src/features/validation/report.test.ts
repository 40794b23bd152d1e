import { describe, expect, it } from 'vitest';
import { autoEpochs, categoryTitle, countingMethod, editorLink, explainAutoEpochs, groupIssues, verdict } from './report';

const issue = (category: string, example: number | null) => ({ category, line: example, example, path: null, message: `${category} at ${example}` });

describe('validation report helpers', () => {
  it('titles known and unknown categories', () => {
    expect(categoryTitle('invalid_json')).toBe('Invalid JSON');
    expect(categoryTitle('some_new_check')).toBe('Some new check');
  });

  it('groups issues by category in the counts order, keeping totals beyond the listed few', () => {
    const g = groupIssues({ invalid_json: 7, missing_content: 1 }, [issue('missing_content', 4), issue('invalid_json', 2), issue('invalid_json', 3), issue('odd', null)]);
    expect(g.map((x) => [x.category, x.count, x.issues.length])).toEqual([
      ['invalid_json', 7, 2],
      ['missing_content', 1, 1],
      ['odd', 1, 1],
    ]);
  });

  it('says the verdict with errors and affected examples', () => {
    expect(verdict({}, { examples: 5, valid_examples: 5 })).toBe('No errors found');
    expect(verdict({ a: 2, b: 1 }, { examples: 5, valid_examples: 3 })).toBe('3 errors in 2 examples');
    expect(verdict({ empty_file: 1 }, { examples: 0, valid_examples: 0 })).toBe('1 error');
  });

  it('implements the auto-epochs rule at its edges', () => {
    expect(autoEpochs(0)).toBeNull();
    expect(autoEpochs(1)).toBe(25);
    expect(autoEpochs(10)).toBe(10);
    expect(autoEpochs(34)).toBe(3);
    expect(autoEpochs(12)).toBe(8);
    expect(autoEpochs(33)).toBe(3);
    expect(autoEpochs(8333)).toBe(3);
    expect(autoEpochs(8334)).toBe(2);
    expect(autoEpochs(30_000)).toBe(1);
    expect(explainAutoEpochs(12, 8)).toContain('12 examples × 3 = 36 is under 100, so 100 ÷ 12 rounded down = 8 epochs (12 × 8 = 96)');
    expect(explainAutoEpochs(2, 25)).toContain('100 ÷ 2 rounded down, capped at 25 = 25 epochs');
    expect(explainAutoEpochs(50, 3)).toContain('inside the range, so 3 epochs');
    expect(explainAutoEpochs(1, 25)).toContain('1 example × 3 = 3 is under 100');
  });

  it('names the counting method and links issues into the editor', () => {
    expect(countingMethod({ method: 'model', model: 'hone-tiny-llama', context_length: 2048, note: '' })).toBe("exact, with hone-tiny-llama's tokenizer and chat template");
    expect(countingMethod({ method: 'estimate', model: null, context_length: 2048, note: '' })).toMatch(/^estimate/);
    expect(editorLink('file-a b', 3)).toBe('/files/file-a%20b/edit?example=3');
    expect(editorLink('x', null)).toBeNull();
  });
});
