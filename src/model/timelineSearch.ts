/**
 * Binary-search helpers over arrays sorted by a numeric key. The timeline calls these for every lane on every
 * frame, so they avoid closures allocating per element beyond the key accessor.
 */

/** First index whose key is >= `value` (arr.length if none). */
export function lowerBound<T>(arr: readonly T[], value: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(arr[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `value` (arr.length if none). */
export function upperBound<T>(arr: readonly T[], value: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(arr[mid]!) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Inserts keeping `arr` sorted by `key`. Live data arrives almost in order, so the common case is a push;
 * equal keys keep arrival order.
 */
export function insertSorted<T>(arr: T[], item: T, key: (x: T) => number): void {
  const k = key(item);
  if (arr.length === 0 || key(arr[arr.length - 1]!) <= k) {
    arr.push(item);
    return;
  }
  arr.splice(upperBound(arr, k, key), 0, item);
}

/** Nearest-rank percentile of an ascending-sorted array (0 for an empty one). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
