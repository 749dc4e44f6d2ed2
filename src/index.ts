/** ficbind as a library: parse stories into the one document model, inspect them, build books. */
export type { Format, PageSizeName, RenderOptions } from './config.js';
export { PAGE_SIZE_NAMES, PAGE_SIZES, resolveBuildDate } from './config.js';
export { FicbindError, formatDiagnostic, UsageError } from './diagnostics.js';
export type { InspectReport } from './inspect.js';
export { formatInspect, inspectReport } from './inspect.js';
export type * from './model.js';
export { chapterWords, countWords, paragraphText, storyWords } from './model.js';
export { parseInput, parseStory, parseText } from './parse/index.js';
export type { BuildEvents } from './pipeline/build.js';
export { build } from './pipeline/build.js';
export type { BuildReport, OutputReport, StoryReport } from './pipeline/manifest.js';
export { MANIFEST_NAME } from './pipeline/manifest.js';
export type { BuildOptions, ResolvedBuildOptions, Shard } from './pipeline/options.js';
export { loadConfig, mergeOptions, resolveBuildOptions } from './pipeline/options.js';
export { shardOf } from './pipeline/shard.js';
export { renderStory } from './pipeline/story-build.js';
export { applyTypography, plainTypography, smartTypography } from './transform/typography.js';
