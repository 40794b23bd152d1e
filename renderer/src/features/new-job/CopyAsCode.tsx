/** "Copy as code": this request as Python (OpenAI SDK) or curl, to run outside the app. */
import { useState } from 'react';
import type { CreateJobBody } from '@shared/schemas/jobs.js';
import { serverOrigin } from '@/api';
import { toast } from '@/ui';
import { curlCode, pythonCode } from './request-code';

export function CopyAsCode({ body }: { body: CreateJobBody }) {
  const [lang, setLang] = useState<'python' | 'curl'>('python');
  const code = lang === 'python' ? pythonCode(body, serverOrigin()) : curlCode(body, serverOrigin());
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      toast(`${lang === 'python' ? 'Python' : 'curl'} code copied`);
    } catch {
      toast('Could not copy: select the code and press Ctrl+C.', 'error');
    }
  };
  return (
    <section className="card nj-code" aria-labelledby="nj-code-h">
      <div className="row">
        <h2 id="nj-code-h">Copy as code</h2>
        <div className="segmented" role="radiogroup" aria-label="Language">
          {(['python', 'curl'] as const).map((l) => (
            <label key={l} className={lang === l ? 'on' : undefined}>
              <input type="radio" name="nj-code-lang" value={l} checked={lang === l} onChange={() => setLang(l)} />
              {l === 'python' ? 'Python' : 'curl'}
            </label>
          ))}
        </div>
        <button type="button" className="small" style={{ marginLeft: 'auto' }} onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="muted small-text">
        The same request from a script. The key is read from <code>HONE_API_KEY</code> and never appears here.
      </p>
      <pre className="snippet" data-testid={`code-${lang}`} tabIndex={0} aria-label={lang === 'python' ? 'Python SDK code' : 'curl command'}>
        {code}
      </pre>
    </section>
  );
}
