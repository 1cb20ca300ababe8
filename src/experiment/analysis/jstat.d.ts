/** The part of jstat (UMD, no bundled types) the analysis uses. */
declare module 'jstat' {
  interface Distribution { cdf(x: number, ...params: number[]): number; inv(p: number, ...params: number[]): number }
  export const jStat: { studentt: Distribution; normal: Distribution };
  const pkg: { jStat: typeof jStat };
  export default pkg;
}
