/** Where a job id opens: on-demand benchmarks have their own page. */
export const jobPath = (id: string) => (id.startsWith('bench-') ? `/benchmarks/${id}` : `/jobs/${id}`);
