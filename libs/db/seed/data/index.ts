/** Seed data: the skills, prompt templates and published scenarios every fresh Parley installation ships with. */
export { skills } from './skills';
export { promptTemplates } from './templates';
export { scenarios, type SeedScenario } from './scenarios';
