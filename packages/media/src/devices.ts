/** What this participant could capture. `error` explains, for a person, why there is no local media. */
export interface LocalMedia {
  readonly stream: MediaStream | undefined;
  readonly hasMic: boolean;
  readonly hasCamera: boolean;
  readonly error: string;
}

export interface CaptureOptions {
  readonly audio: boolean | MediaTrackConstraints;
  readonly video: boolean | MediaTrackConstraints;
  readonly getUserMedia?: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined;
}

/**
 * Opens the camera and microphone. Never throws: without devices or permission it returns no stream and a
 * message, and the participant stays in the room with data only. With one device missing it keeps the other.
 */
export async function captureLocalMedia(options: CaptureOptions): Promise<LocalMedia> {
  const get = options.getUserMedia ?? browserGetUserMedia();
  if (get === undefined) {
    return { stream: undefined, hasMic: false, hasCamera: false, error: 'This page cannot use a camera or microphone (it needs https or localhost). You are in the room with data only.' };
  }
  const attempts: MediaStreamConstraints[] = [{ audio: options.audio, video: options.video }];
  // One device missing or busy should not cost the other one.
  if (options.audio !== false && options.video !== false) attempts.push({ audio: false, video: options.video }, { audio: options.audio, video: false });
  let first: unknown;
  for (const constraints of attempts) {
    try {
      const stream = await get(constraints);
      const hasMic = stream.getAudioTracks().length > 0;
      const hasCamera = stream.getVideoTracks().length > 0;
      const missing = options.video !== false && !hasCamera ? 'camera' : options.audio !== false && !hasMic ? 'microphone' : '';
      return { stream, hasMic, hasCamera, error: missing === '' ? '' : `${describeError(first, missing)} Others can still ${missing === 'camera' ? 'hear' : 'see'} you.` };
    } catch (error) {
      first ??= error;
      // Permission denied applies to every attempt; asking again would only repeat the prompt.
      if (isDenied(error)) break;
    }
  }
  return { stream: undefined, hasMic: false, hasCamera: false, error: `${describeError(first, 'camera or microphone')} You are in the room with data only: you still see and hear the others.` };
}

function browserGetUserMedia(): ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined {
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  return devices?.getUserMedia ? (constraints) => devices.getUserMedia(constraints) : undefined;
}

function isDenied(error: unknown): boolean {
  const name = error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException) ? (error as Error).name : '';
  return name === 'NotAllowedError' || name === 'SecurityError';
}

/** A sentence a participant understands, from a getUserMedia failure. */
export function describeError(error: unknown, device: string): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Permission to use the ${device} was denied.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${device} was found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `The ${device} is in use by another application.`;
    default:
      return `The ${device} could not be started.`;
  }
}
