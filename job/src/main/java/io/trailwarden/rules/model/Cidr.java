package io.trailwarden.rules.model;

import java.io.Serializable;

/**
 * An IPv4 or IPv6 network. Parsing is by hand, never {@code InetAddress.getByName}: that would resolve
 * host names (CloudTrail's sourceIPAddress is often a service name such as {@code ec2.amazonaws.com})
 * over DNS, and an attacker controls part of what reaches it. IPv4 octets are read as decimal even with
 * leading zeros ({@code 08.1.250.216} occurs in real, anonymised records).
 */
public final class Cidr implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Null when valid, else why not. */
    public static String problemWith(String text) {
        return parse(text) == null ? "bad CIDR '" + text + "' (expected e.g. 10.0.0.0/8 or 2001:db8::/32)" : null;
    }

    /** Null when the text is not a CIDR; a bare address is a single-host network. */
    public static Cidr parse(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        byte[] address = address(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            return null;
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > bits) {
                return null;
            }
        }
        return new Cidr(address, prefix);
    }

    public boolean contains(String ipText) {
        return contains(address(ipText));
    }

    /** Whether a parsed {@link #address} lies in this network; false for null (not an address). */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int remainder = prefixLength % 8;
        if (remainder == 0) {
            return true;
        }
        int mask = (0xFF << (8 - remainder)) & 0xFF;
        return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    /** A literal address as 4 or 16 bytes, or null for anything that is not one (a host name, "AWS Internal"). */
    public static byte[] address(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    /** Four dot-separated decimal octets of one to three ASCII digits; read in one pass, nothing split. */
    private static byte[] parseIpv4(String text) {
        if (text.length() > 15) {
            return null;
        }
        byte[] bytes = new byte[4];
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (digits == 0 || octet == 3) {
                    return null;
                }
                bytes[octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        if (digits == 0 || octet != 3) {
            return null;
        }
        bytes[3] = (byte) value;
        return bytes;
    }

    private static byte[] parseIpv6(String text) {
        int zone = text.indexOf('%');
        String address = zone < 0 ? text : text.substring(0, zone);
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon < 0 ? address : address.substring(0, doubleColon);
        String tail = doubleColon < 0 ? "" : address.substring(doubleColon + 2);
        int[] headGroups = groups(head);
        int[] tailGroups = groups(tail);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int total = headGroups.length + tailGroups.length;
        if ((doubleColon < 0 && total != 8) || (doubleColon >= 0 && total > 7)) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            bytes[2 * i] = (byte) (headGroups[i] >> 8);
            bytes[2 * i + 1] = (byte) headGroups[i];
        }
        int offset = 8 - tailGroups.length;
        for (int i = 0; i < tailGroups.length; i++) {
            bytes[2 * (offset + i)] = (byte) (tailGroups[i] >> 8);
            bytes[2 * (offset + i) + 1] = (byte) tailGroups[i];
        }
        return bytes;
    }

    private static int[] groups(String part) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] texts = part.split(":", -1);
        int[] values = new int[texts.length];
        for (int i = 0; i < texts.length; i++) {
            String group = texts[i];
            if (group.isEmpty() || group.length() > 4) {
                return null;
            }
            try {
                values[i] = Integer.parseInt(group, 16);
                if (values[i] < 0) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(network) + "/" + prefixLength;
    }
}
