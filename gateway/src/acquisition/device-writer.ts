/**
 * Writes to device outputs for local actions (DESIGN.md §5): a write is queued
 * ahead of polls on its connection and verified by reading the point back.
 * Implemented by the acquisition layer; used by the alarm engine's actions.
 */
export interface DeviceWriter {
  /**
   * Writes an engineering value to a writable point and reads it back.
   * Resolves when the device holds the value; rejects with a coded
   * LifelineError otherwise (not writable, device refused, read-back
   * mismatch, timeout, device offline).
   */
  writePoint(device: string, point: string, value: number | boolean): Promise<void>;
}
