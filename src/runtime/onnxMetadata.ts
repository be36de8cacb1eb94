/**
 * Reads ModelProto.metadata_props (field 14) from ONNX bytes. onnxruntime-node does not
 * expose custom metadata, and a full protobuf parser is not needed to walk top-level fields.
 */
import { ModelError } from '../errors/index.js';

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new Error('varint too long');
}

/** Calls `onField` for each top-level field of a protobuf message; returns false to stop early. */
function walk(buf: Uint8Array, start: number, end: number, onField: (field: number, wire: number, a: number, b: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [key, p1] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    pos = p1;
    if (wire === 0) {
      const [, p2] = readVarint(buf, pos);
      onField(field, wire, pos, p2);
      pos = p2;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      if (p2 + len > end) throw new Error('truncated field');
      onField(field, wire, p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

export function readOnnxMetadata(bytes: Uint8Array, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = new TextDecoder();
  try {
    walk(bytes, 0, bytes.length, (field, wire, a, b) => {
      if (field !== 14 || wire !== 2) return;
      let key = '';
      let value = '';
      walk(bytes, a, b, (f, w, x, y) => {
        if (w !== 2) return;
        if (f === 1) key = text.decode(bytes.subarray(x, y));
        else if (f === 2) value = text.decode(bytes.subarray(x, y));
      });
      out[key] = value;
    });
  } catch (e) {
    throw new ModelError(
      'MODEL_MISMATCH',
      `${file}: expected an ONNX model file, received bytes that do not parse as one (${(e as Error).message}). Reinstall the package or regenerate the model.`,
      file,
    );
  }
  return out;
}
