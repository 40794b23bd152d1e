/** The dataset example model shared by the editor and the server (isomorphic). */
export * from './example-model.js';
