import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The encoder the mailer's MIME parts go through: patches/nodemailer@7.0.13.patch rewrites it to
// build its output in a buffer (the old one grew a string a character at a time, a quarter of all
// the memory the mailer allocated per mail). Its speed belongs to the benchmark; this pins its output.
const { encode } = createRequire(import.meta.url)("nodemailer/lib/qp") as { encode(input: Buffer | string): string };

/** RFC 2045 6.7, as nodemailer applies it to each piece it is given: whitespace at the end of a line or of the input is encoded. */
function reference(input: Buffer): string {
  let out = "";
  input.forEach((byte, i) => {
    const literal = byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte <= 0x7e && byte !== 0x3d);
    const next = input[i + 1];
    const whitespaceAtLineEnd = (byte === 0x20 || byte === 0x09) && (next === undefined || next === 0x0a || next === 0x0d);
    out += literal && !whitespaceAtLineEnd ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  });
  return out;
}

describe("quoted-printable encoding of mail parts", () => {
  it("follows RFC 2045 byte for byte: equals signs, 8-bit bytes, and whitespace before a line break", () => {
    expect(encode("a = b")).toBe("a =3D b");
    expect(encode("Grüße, é")).toBe("Gr=C3=BC=C3=9Fe, =C3=A9");
    expect(encode("trailing \r\ntab\t\nend ")).toBe("trailing=20\r\ntab=09\nend=20");
    expect(encode(Buffer.from([0x00, 0x7f, 0xff, 0x3d]))).toBe("=00=7F=FF=3D");
    expect(encode("")).toBe("");
  });

  it("matches the rule on random bytes, text and whitespace", () => {
    const alphabet = Buffer.from(" \t\r\n=azAZ09.~<>?\u00e9", "utf8");
    for (let round = 0; round < 2_000; round++) {
      const noise = randomBytes(64);
      const input = Buffer.from(noise.map((byte, i) => (i % 3 === 0 ? byte : alphabet[byte % alphabet.length]!)).subarray(0, round % 64));
      expect(encode(input)).toBe(reference(input));
    }
  });
});
