/**
 * The errors of the async-mutex API, as that package defines them: one shared instance each, so
 * code compares with `===` (`if (e === E_TIMEOUT)`), with the same messages.
 */
export const E_TIMEOUT: Error = new Error('timeout while waiting for mutex to become available');
export const E_ALREADY_LOCKED: Error = new Error('mutex already locked');
export const E_CANCELED: Error = new Error('request for lock canceled');
