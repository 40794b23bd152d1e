/** The picked model's HfTokenCounter, built in the browser from GET /v1/models/{model}/tokenizer. */
import { useMemo } from 'react';
import { HfTokenCounter } from '@shared/validation/index.js';
import { useTokenizer } from './queries';

export function useTokenCounter(model: string | null) {
  const q = useTokenizer(model);
  const files = q.data?.status === 'ready' && q.data.model === model ? q.data.files : null;
  const counter = useMemo(() => {
    if (!files || !model) return { counter: null, error: null };
    try {
      return {
        counter: new HfTokenCounter(
          { tokenizerJson: files.tokenizer_json, tokenizerConfig: files.tokenizer_config, chatTemplate: files.chat_template, modelConfig: files.model_config },
          model,
        ),
        error: null,
      };
    } catch (e) {
      return { counter: null, error: e instanceof Error ? e : new Error(String(e)) };
    }
  }, [files, model]);
  return { ...counter, query: q, preparing: q.data?.status === 'preparing' && q.data.model === model ? q.data : null };
}
