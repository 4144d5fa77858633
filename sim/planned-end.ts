/** When loads end, for the engines; the reckoning lives with the scenario format, whose checks need it too. */
export { loadEndMs, plannedEndMs } from '../scenarios/planned-end.js';
