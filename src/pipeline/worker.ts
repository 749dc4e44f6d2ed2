/** The worker-thread side of the pool: builds one story per task and sends its books' bytes back. */
import { buildStory, type StoryOutcome, type StoryTask } from './story-build.js';

export default function run(task: StoryTask): Promise<StoryOutcome> {
  return buildStory(task);
}
