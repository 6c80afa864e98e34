package dev.rendezvous.archive.format.line;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 checks (no overlong forms, no surrogates), as the JDK's reporting decoder makes them. */
final class Utf8 {
    private Utf8() {
    }

    /** Whether the bytes are well-formed UTF-8; ASCII, the usual case, is checked without decoding. */
    static boolean isValid(byte[] bytes, int offset, int length) {
        if (isAscii(bytes, offset, length)) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static boolean isAscii(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
