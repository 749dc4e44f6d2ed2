/** Image files looked for next to a story, in this order of preference (kept apart from sharp, so the
 * build's main thread can list a story's possible covers without loading the image library). */
export const COVER_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'] as const;
