export interface Survivor {
  pid: number;
  name: string;
  command: string;
}
export function processStart(pid?: number): number;
export function findSurvivors(options: { root: string; since: number; ancestor: number }): Survivor[];
