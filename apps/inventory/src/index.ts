// @marquee/inventory: the movie catalogue service.
export { build, version, type BuildOptions } from './app.ts';
export { readInventoryConfig, type InventoryConfig } from './config.ts';
export { migrationsDir } from './migrate.ts';
export { seedMovies, seedData } from './seed.ts';
export { decodeCursor, encodeCursor } from './movies.ts';
export type { Movie } from './schemas.ts';
