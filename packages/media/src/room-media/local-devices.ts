import { captureLocalMedia } from '../devices.ts';
import type { CaptureOptions, LocalMedia } from '../devices.ts';

/** This participant's switches and devices, as it tells the host (`SetMediaStatus`) and the host lists them. */
export interface LocalStatus {
  readonly mic: boolean;
  readonly camera: boolean;
  readonly hasMic: boolean;
  readonly hasCamera: boolean;
  readonly error: string;
}

const none: LocalMedia = { stream: undefined, hasMic: false, hasCamera: false, error: '' };

/** The local camera and microphone: captured on `open`, muted by switches (no renegotiation), released on `release`. */
export class LocalDevices {
  #local: LocalMedia = none;
  #mic = false;
  #camera = false;
  #started = false;

  get stream(): MediaStream | undefined {
    return this.#local.stream;
  }

  get started(): boolean {
    return this.#started;
  }

  get status(): LocalStatus {
    return { mic: this.#mic, camera: this.#camera, hasMic: this.#local.hasMic, hasCamera: this.#local.hasCamera, error: this.#local.error };
  }

  /**
   * Captures with `capture` (undefined: no media transport, data only), switches on what it got. Resolves false
   * when `closed()` by then: the tracks are stopped again and nothing is to be published.
   */
  async open(capture: CaptureOptions | undefined, closed: () => boolean): Promise<boolean> {
    this.#started = true;
    if (capture) {
      this.#local = await captureLocalMedia(capture);
      if (closed()) {
        stopTracks(this.#local.stream);
        return false;
      }
    } else {
      this.#local = { stream: undefined, hasMic: false, hasCamera: false, error: 'No media transport: data only.' };
    }
    this.#mic = this.#local.hasMic;
    this.#camera = this.#local.hasCamera;
    return true;
  }

  /** Mutes or unmutes the microphone (the track keeps running, silent). False without a microphone. */
  setMic(on: boolean): boolean {
    if (!this.#local.hasMic) return false;
    this.#mic = on;
    for (const track of this.#local.stream?.getAudioTracks() ?? []) track.enabled = on;
    return true;
  }

  /** Turns the camera on or off (black frames while off). False without a camera. */
  setCamera(on: boolean): boolean {
    if (!this.#local.hasCamera) return false;
    this.#camera = on;
    for (const track of this.#local.stream?.getVideoTracks() ?? []) track.enabled = on;
    return true;
  }

  /** Stops the tracks and forgets the devices: `open` again to publish. */
  release(): void {
    stopTracks(this.#local.stream);
    this.#local = none;
    this.#mic = false;
    this.#camera = false;
    this.#started = false;
  }
}

function stopTracks(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
