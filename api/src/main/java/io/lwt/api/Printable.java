package io.lwt.api;

/**
 * Text from the network (a name a peer gave, a certificate's subject, a server name it asked for) as it may appear in
 * a log line: control and invisible characters, and the backslash, are escaped as {@code \\uXXXX}, so a peer can
 * neither forge log lines nor hide what it sent; and it is cut after {@value #MOST} characters.
 */
public final class Printable {

    static final int MOST = 200;

    private Printable() {}

    public static String of(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MOST) + 8);
        for (int i = 0; i < text.length() && b.length() < MOST; i++) {
            char c = text.charAt(i);
            if (c == '\\' || Character.isISOControl(c) || invisible(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() < MOST || text.length() <= MOST ? b.toString() : b + "...";
    }

    private static boolean invisible(char c) {
        return switch (Character.getType(c)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                    Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }
}
