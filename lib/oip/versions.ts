/**
 * Our model versions are named v1, v2; OIP servers number them (Triton's
 * model repository needs integer version directories 1, 2). The mapping is
 * fixed: `v<N>` is OIP version `<N>`; any other name is the same on both sides.
 */
const OURS = /^v(\d+)$/;
const OIP = /^\d+$/;

export function toOipVersion(version: string): string {
  return OURS.exec(version)?.[1] ?? version;
}

export function fromOipVersion(version: string): string {
  return OIP.test(version) ? `v${version}` : version;
}
