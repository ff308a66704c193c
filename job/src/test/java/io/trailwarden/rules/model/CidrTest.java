package io.trailwarden.rules.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Addresses as CloudTrail writes them: leading zeros, IPv6, and service names instead of addresses. */
class CidrTest {
    @Test
    void ipv4WithLeadingZeroOctetsIsDecimal() {
        assertThat(Cidr.parse("8.1.250.0/24").contains("08.1.250.216")).isTrue();
        assertThat(Cidr.parse("75.50.255.0/24").contains("075.050.255.67")).isTrue();
        assertThat(Cidr.parse("61.0.0.0/8").contains("075.050.255.67")).as("not octal").isFalse();
    }

    @Test
    void prefixBoundaries() {
        assertThat(Cidr.parse("10.0.0.0/8").contains("10.255.255.255")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains("11.0.0.0")).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").contains("192.168.1.127")).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").contains("192.168.1.200")).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains("1.2.3.4")).isTrue();
        assertThat(Cidr.parse("203.0.113.7").contains("203.0.113.7")).isTrue();
        assertThat(Cidr.parse("203.0.113.7").contains("203.0.113.8")).isFalse();
    }

    @Test
    void ipv6() {
        assertThat(Cidr.parse("2001:db8::/32").contains("2001:db8:0:1::7")).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains("2001:db9::1")).isFalse();
        assertThat(Cidr.parse("::1/128").contains("::1")).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains("10.0.0.1")).isFalse();
    }

    @Test
    void serviceNamesAndJunkNeverMatchAndNeverThrow() {
        Cidr everything = Cidr.parse("0.0.0.0/0");
        for (String value : new String[] {"AWS Internal", "ec2.amazonaws.com", "", "1.2.3", "1.2.3.4.5", "256.1.1.1",
            "1.2.3.-4", "::g", "1:2:3:4:5:6:7:8:9", "1::2::3", "+1.2.3.4"}) {
            assertThat(everything.contains(value)).as(value).isFalse();
        }
    }

    @Test
    void badNetworksAreRejected() {
        for (String value : new String[] {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "ten/8", "2001:db8::/129", "10.0.0.0/x"}) {
            assertThat(Cidr.parse(value)).as(value).isNull();
            assertThat(Cidr.problemWith(value)).as(value).contains(value);
        }
    }
}
