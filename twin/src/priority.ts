/**
 * Alarm priorities map one-to-one onto the four Chinese warning levels used by
 * city emergency plans: 1 = red (I, most severe) … 4 = blue (IV).
 */
export const PRIORITIES = [1, 2, 3, 4] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRIORITY_COLOURS = { 1: 'red', 2: 'orange', 3: 'yellow', 4: 'blue' } as const;
export type PriorityColour = (typeof PRIORITY_COLOURS)[Priority];

export const WARNING_LEVELS = { 1: 'I', 2: 'II', 3: 'III', 4: 'IV' } as const;

export function colourOf(priority: Priority): PriorityColour {
  return PRIORITY_COLOURS[priority];
}
