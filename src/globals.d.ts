/** Replaced at build time by esbuild (`define`). */
declare const TIMERSCOPE_VERSION: string;
