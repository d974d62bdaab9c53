package org.grapevine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Base64;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.grapevine.gossip.discovery.LanDiscovery;

/**
 * A plain jmDNS client that browses for Grapevine announcements and prints what each one holds,
 * one JSON object per line, to show what anybody on the LAN learns from them. Run it inside a
 * network namespace: {@code java -cp test-classes:grapevine.jar org.grapevine.cli.MdnsProbe
 * BIND-ADDRESS [MAX-SECONDS]}. It exits when its standard input closes, or after MAX-SECONDS
 * (default 120), so a crashed test cannot leave it behind.
 */
public final class MdnsProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MdnsProbe() {
    }

    public static void main(String[] args) throws IOException {
        InetAddress bind = InetAddress.getByName(args[0]);
        long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 120;
        JmDNS jmdns = JmDNS.create(bind, "probe");
        jmdns.addServiceListener(LanDiscovery.SERVICE_TYPE, new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
                // jmDNS resolves on its own; asking again hurries the TXT record along.
                event.getDNS().requestServiceInfo(event.getType(), event.getName());
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
                print(event.getInfo());
            }
        });
        System.out.println("{\"browsing\":\"" + bind.getHostAddress() + "\"}");
        System.out.flush();
        Thread limit = new Thread(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
            } catch (InterruptedException ignored) {
                // exit all the same
            }
            System.exit(0);
        }, "probe-lifetime");
        limit.setDaemon(true);
        limit.start();
        // Until whoever started us closes our input (or dies): then skip jmDNS's slow close.
        while (System.in.read() != -1) {
            // discard
        }
        System.exit(0);
    }

    private static void print(ServiceInfo info) {
        ObjectNode o = JSON.createObjectNode();
        o.put("instance", info.getName()).put("qualified", info.getQualifiedName()).put("server", info.getServer())
                .put("port", info.getPort());
        var addresses = o.putArray("addresses");
        for (InetAddress a : info.getInetAddresses()) addresses.add(a.getHostAddress());
        ObjectNode txt = o.putObject("txt");
        for (var names = info.getPropertyNames(); names.hasMoreElements(); ) {
            String key = names.nextElement();
            txt.put(key, info.getPropertyString(key));
        }
        o.put("raw_txt", Base64.getEncoder().encodeToString(info.getTextBytes()));
        synchronized (System.out) {
            System.out.println(o);
            System.out.flush();
        }
    }
}
