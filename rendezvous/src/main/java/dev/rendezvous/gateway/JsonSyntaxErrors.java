package dev.rendezvous.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words a JSON parser's refusal of a body in the gateway's terms: what is wrong, at which line and
 * column, inside which member ({@code body.features.a}). Jackson's own messages name its classes and
 * features ({@code StreamReadConstraints.getMaxNestingDepth()}, {@code [Source: REDACTED ...]}); a
 * caller needs none of that, so they are never passed on.
 */
final class JsonSyntaxErrors {
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate (?:field|Object property) '(.*)'", Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("'(.{1,40}?)'");
    private static final Pattern CODE = Pattern.compile("code (\\d+)");

    private JsonSyntaxErrors() {
    }

    /** The 400 for a body the parser refused; {@code limits} describes the configured limits for limit breaches. */
    static ApiError describe(JsonProcessingException e, String limits) {
        String at = at(e.getLocation());
        String where = where(e);
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            String what = original.contains("nesting depth") ? "the JSON is nested too deeply"
                    : original.contains("Number value length") ? "a number has too many digits"
                    : original.contains("String value length") ? "a string is too long"
                    : original.contains("Name length") ? "a key is too long"
                    : "the body exceeds a JSON limit";
            return new ApiError(400, "the body exceeds a JSON limit: " + what + at + " (" + limits + ")", "body");
        }
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.find()) {
            return new ApiError(400, "key '" + CallerHeaders.abbreviate(duplicate.group(1)) + "' appears twice in the same object" + at
                    + "; each key may appear once", where);
        }
        return new ApiError(400, "the body is not valid JSON: " + problem(e, original) + at, where);
    }

    /** The 400 for a body whose JSON value is followed by more than white space. */
    static ApiError trailing(JsonLocation location) {
        return new ApiError(400, "the body has more after its JSON object" + at(location) + "; expected nothing but white space", "body");
    }

    private static String problem(JsonProcessingException e, String original) {
        if (e instanceof JsonEOFException || original.startsWith("Unexpected end-of-input")) {
            return "it ends before the JSON is complete";
        }
        if (original.contains("Invalid UTF-8") || original.contains("Invalid UTF-32") || original.contains("Invalid UTF-16")) {
            return "the bytes are not UTF-8 text";
        }
        if (original.contains("CTRL-CHAR") || original.contains("Illegal unquoted character")) {
            Matcher code = CODE.matcher(original);
            return "a control character" + (code.find() ? " (code " + code.group(1) + ")" : "") + " where JSON allows none";
        }
        if (original.startsWith("Non-standard token")) {
            return "NaN and Infinity are not JSON numbers";
        }
        if (original.contains("numeric value") || original.contains("Leading zeroes") || original.contains("Invalid number")) {
            return "a malformed number";
        }
        if (original.startsWith("Unrecognized token")) {
            Matcher token = QUOTED.matcher(original);
            return (token.find() ? "'" + token.group(1) + "'" : "a token") + " is not a JSON value";
        }
        if (original.startsWith("Unexpected character") || original.startsWith("Unexpected close marker")) {
            Matcher token = QUOTED.matcher(original);
            return "unexpected character" + (token.find() ? " '" + token.group(1) + "'" : "");
        }
        if (original.contains("Unrecognized character escape") || original.contains("escape")) {
            return "a malformed escape in a string";
        }
        return "the JSON is malformed";
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** The member the parser was in, as {@code body.a.b[2]}; {@code body} at the top level or when unknown. */
    private static String where(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return "body";
        }
        return dotted(parser.getParsingContext());
    }

    static String dotted(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            String segment;
            if (c.inArray()) {
                segment = "[" + Math.max(0, c.getCurrentIndex()) + "]";
            } else if (c.getCurrentName() != null) {
                segment = "." + c.getCurrentName();
            } else {
                segment = "";
            }
            path.insert(0, segment);
        }
        return "body" + path;
    }
}
