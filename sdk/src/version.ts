/** The SDK as it names itself in client info (kept equal to sdk/package.json by a test). */
export const SDK_NAME = 'Session Inspector SDK';
export const SDK_VERSION = '0.1.0';
