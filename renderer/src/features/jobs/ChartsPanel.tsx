/**
 * The training curves from the job's metrics events, drawn as they arrive: loss (training and
 * validation), learning rate, gradient norm, tokens per second. One smoothing slider for all.
 */
import { useId, useState, useSyncExternalStore } from 'react';
import { LiveChart, type LiveChartLine, type LiveSeries } from '@/ui';
import { COL } from './job-feed';

const LOSS: LiveChartLine[] = [
  { label: 'training loss', column: COL.trainLoss, colorVar: '--accent' },
  { label: 'validation loss', column: COL.validLoss, colorVar: '--warn', sparse: true },
];
const LR: LiveChartLine[] = [{ label: 'learning rate', column: COL.learningRate, colorVar: '--ok' }];
const GRAD: LiveChartLine[] = [{ label: 'gradient norm', column: COL.gradNorm, colorVar: '--danger' }];
const TPS: LiveChartLine[] = [{ label: 'tokens/s', column: COL.tokensPerSecond, colorVar: '--accent' }];

/** `finished`: every event of the job has been read (a job that never trained then shows a sentence instead of empty charts). */
export function ChartsPanel({ series, finished }: { series: LiveSeries; finished: boolean }) {
  const [smoothing, setSmoothing] = useState(0);
  const id = useId();
  const empty = useSyncExternalStore(
    (fn) => series.subscribe(fn),
    () => series.length === 0,
  );
  if (finished && empty) {
    return (
      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Training metrics</h2>
        <p className="muted" data-testid="no-metrics">
          This job reported no training steps, so there are no loss or learning-rate curves.
        </p>
      </section>
    );
  }
  return (
    <section className="card charts-card" aria-labelledby={`${id}-title`}>
      <div className="row charts-head">
        <h2 id={`${id}-title`}>Training metrics</h2>
        <label htmlFor={id} className="charts-smoothing">
          Smoothing <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
        <input id={id} type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} aria-describedby={`${id}-hint`} />
        <span id={`${id}-hint`} className="muted small-text">
          Moving average over steps (0 = raw values); drag across a chart to zoom, double-click to see all.
        </span>
      </div>
      <div className="charts-grid">
        <LiveChart title="Loss" series={series} lines={LOSS} smoothing={smoothing} testId="chart-loss" />
        <LiveChart title="Learning rate" series={series} lines={LR} format={sci} testId="chart-lr" />
        <LiveChart title="Gradient norm" series={series} lines={GRAD} smoothing={smoothing} testId="chart-grad-norm" />
        <LiveChart title="Tokens per second" series={series} lines={TPS} smoothing={smoothing} testId="chart-tokens" />
      </div>
      <p className="muted small-text">Smoothing applies to the noisy curves (losses, gradient norm, throughput); the learning rate is drawn as scheduled.</p>
    </section>
  );
}

/** Learning rates: 3 significant digits, exponent below 0.01 (2e-4, 1.99e-4). */
const sci = (v: number) => (v === 0 ? '0' : Math.abs(v) < 1e-2 ? Number(v.toPrecision(3)).toExponential() : String(Number(v.toPrecision(3))));
