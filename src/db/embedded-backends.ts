// The embedded database's FerretDB backends, as configuration names them (config.ts reads this, so it
// holds no code that starts anything).
export const EMBEDDED_BACKENDS = ['auto', 'postgresql', 'sqlite'] as const;
export type EmbeddedBackendChoice = (typeof EMBEDDED_BACKENDS)[number];
