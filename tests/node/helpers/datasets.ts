/** Small, valid chat datasets for job tests (≥ 10 examples, as OpenAI requires). */
export function chatJsonl(n = 12): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You are a terse assistant.' },
          { role: 'user', content: `What is the code word number ${i % 4}?` },
          { role: 'assistant', content: `The code word is ${['apple', 'banana', 'cherry', 'damson'][i % 4]}.` },
        ],
      }),
    );
  }
  return lines.join('\n') + '\n';
}
