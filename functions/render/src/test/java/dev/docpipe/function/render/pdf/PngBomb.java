package dev.docpipe.function.render.pdf;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** A tiny PNG that declares a huge size: what a decompression bomb looks like from the outside. */
final class PngBomb {
    private PngBomb() {
    }

    static byte[] header(int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(width);
            d.writeInt(height);
            d.writeByte(8); // bit depth
            d.writeByte(0); // greyscale
            d.writeByte(0);
            d.writeByte(0);
            d.writeByte(0);
            chunk(out, "IHDR", ihdr.toByteArray());
            Deflater deflater = new Deflater(9);
            deflater.setInput(new byte[64 * 1024]);
            deflater.finish();
            byte[] buf = new byte[1024];
            int n = deflater.deflate(buf);
            byte[] idat = java.util.Arrays.copyOf(buf, n);
            chunk(out, "IDAT", idat);
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
