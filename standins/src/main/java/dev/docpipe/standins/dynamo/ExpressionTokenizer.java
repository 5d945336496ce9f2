package dev.docpipe.standins.dynamo;

import java.util.ArrayList;
import java.util.List;

/** Splits a DynamoDB expression into tokens. */
final class ExpressionTokenizer {

    enum Type {
        IDENTIFIER, NAME_PLACEHOLDER, VALUE_PLACEHOLDER, NUMBER,
        LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, DOT,
        EQ, NE, LT, LE, GT, GE, PLUS, MINUS,
        EOF
    }

    record Token(Type type, String text, int position) {

        boolean is(Type expected) {
            return type == expected;
        }

        /** A keyword such as AND or SET: an identifier, compared case-insensitively. */
        boolean isKeyword(String keyword) {
            return type == Type.IDENTIFIER && text.equalsIgnoreCase(keyword);
        }

        boolean isComparator() {
            return switch (type) {
                case EQ, NE, LT, LE, GT, GE -> true;
                default -> false;
            };
        }

        String display() {
            return type == Type.EOF ? "<EOF>" : text;
        }
    }

    private ExpressionTokenizer() {
    }

    /** The tokens of {@code text}, ending with an EOF token; {@code kind} names the expression in errors. */
    static List<Token> tokenize(String text, String kind) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '#' || c == ':') {
                i++;
                while (i < text.length() && isWordChar(text.charAt(i))) {
                    i++;
                }
                if (i == start + 1) {
                    throw syntaxError(kind, String.valueOf(c), text, start);
                }
                tokens.add(new Token(c == '#' ? Type.NAME_PLACEHOLDER : Type.VALUE_PLACEHOLDER, text.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < text.length() && isWordChar(text.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Type.IDENTIFIER, text.substring(start, i), start));
            } else if (c >= '0' && c <= '9') {
                while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                    i++;
                }
                tokens.add(new Token(Type.NUMBER, text.substring(start, i), start));
            } else {
                Type type;
                int length = 1;
                char next = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
                switch (c) {
                    case '(' -> type = Type.LPAREN;
                    case ')' -> type = Type.RPAREN;
                    case '[' -> type = Type.LBRACKET;
                    case ']' -> type = Type.RBRACKET;
                    case ',' -> type = Type.COMMA;
                    case '.' -> type = Type.DOT;
                    case '+' -> type = Type.PLUS;
                    case '-' -> type = Type.MINUS;
                    case '=' -> type = Type.EQ;
                    case '<' -> {
                        if (next == '>') {
                            type = Type.NE;
                            length = 2;
                        } else if (next == '=') {
                            type = Type.LE;
                            length = 2;
                        } else {
                            type = Type.LT;
                        }
                    }
                    case '>' -> {
                        if (next == '=') {
                            type = Type.GE;
                            length = 2;
                        } else {
                            type = Type.GT;
                        }
                    }
                    default -> throw DynamoException.validation("Invalid " + kind
                            + ": Invalid character encountered; character: \"" + c + "\", near: \"" + near(text, start) + "\"");
                }
                i += length;
                tokens.add(new Token(type, text.substring(start, i), start));
            }
        }
        tokens.add(new Token(Type.EOF, "", text.length()));
        return tokens;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    static DynamoException syntaxError(String kind, String token, String text, int position) {
        return DynamoException.validation("Invalid " + kind + ": Syntax error; token: \"" + token + "\", near: \""
                + near(text, position) + "\"");
    }

    private static String near(String text, int position) {
        int from = Math.max(0, position - 10);
        int to = Math.min(text.length(), position + 10);
        return text.substring(from, to).trim();
    }
}
