import { useRef } from 'react';

/** A labelled button in front of a real <input type=file multiple> (keyboard: Tab, Enter/Space). */
export function FilePicker({ onFiles, label = 'Choose files…', primary = false }: { onFiles: (files: File[]) => void; label?: string; primary?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={primary ? 'primary' : undefined} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        className="sr-only"
        tabIndex={-1}
        aria-label="Files to upload"
        accept=".jsonl,.json,.txt,.csv,application/jsonl,application/json,text/plain"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // picking the same file again still fires change
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}
