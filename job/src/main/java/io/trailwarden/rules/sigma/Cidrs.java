package io.trailwarden.rules.sigma;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address inside a CIDR block (the network address plus one, where the block has room). */
final class Cidrs {
    private Cidrs() {}

    static String example(String cidr) {
        String[] parts = cidr.split("/");
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8;
            byte[] inside = Arrays.copyOf(address, address.length);
            if (prefix < address.length * 8) {
                inside[inside.length - 1] |= 1;
            }
            return InetAddress.getByAddress(inside).getHostAddress();
        } catch (UnknownHostException | NumberFormatException e) {
            return parts[0];
        }
    }
}
