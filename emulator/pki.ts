/**
 * The emulator's own CA and server certificate (node-forge), created on first start in the data dir and reused.
 * RSA keys come from node:crypto (native, fast); forge builds and signs the X.509 certificates.
 */
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import forge from "node-forge";

export interface Pki {
    caPem: string;
    caFile: string;
    certPem: string;
    keyPem: string;
    /** Engine SSH public key (OpenSSH format), what `engine-certificate&format=OPENSSH-PUBKEY` serves. */
    engineSshPub: string;
    caSshPub: string;
}

function rsaPair(): forge.pki.rsa.KeyPair {
    const { privateKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
    const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
    return { privateKey: priv, publicKey: pub };
}

function serial(): string {
    return "01" + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function createCa(): { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair } {
    const keys = rsaPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
    cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
    const attrs = [
        { name: "countryName", value: "US" },
        { name: "organizationName", value: "ovirt-ci engine emulator" },
        { name: "commonName", value: "ovirt-ci-emulator-ca" },
    ];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return { cert, keys };
}

function createServer(
    ca: forge.pki.Certificate,
    caKey: forge.pki.rsa.PrivateKey,
): { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair } {
    const keys = rsaPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
    cert.validity.notAfter = new Date(Date.now() + 2 * 365 * 24 * 3600 * 1000);
    cert.setSubject([
        { name: "organizationName", value: "ovirt-ci engine emulator" },
        { name: "commonName", value: "localhost" },
    ]);
    cert.setIssuer(ca.subject.attributes);
    cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
            name: "subjectAltName",
            altNames: [
                { type: 2, value: "localhost" },
                { type: 7, ip: "127.0.0.1" },
            ],
        },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return { cert, keys };
}

function writePrivate(file: string, data: string): void {
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
}

/** Loads the CA and server certificate from `dataDir`, creating them if missing or expired. */
export function ensurePki(dataDir: string): Pki {
    fs.mkdirSync(dataDir, { recursive: true });
    const f = (n: string) => path.join(dataDir, n);
    let ca: forge.pki.Certificate;
    let caKey: forge.pki.rsa.PrivateKey;
    const valid = (c: forge.pki.Certificate) => c.validity.notAfter.getTime() > Date.now() + 24 * 3600 * 1000;
    try {
        ca = forge.pki.certificateFromPem(fs.readFileSync(f("ca.pem"), "utf8"));
        caKey = forge.pki.privateKeyFromPem(fs.readFileSync(f("ca.key"), "utf8")) as forge.pki.rsa.PrivateKey;
        if (!valid(ca)) throw new Error("expired");
    } catch {
        const made = createCa();
        ca = made.cert;
        caKey = made.keys.privateKey;
        writePrivate(f("ca.key"), forge.pki.privateKeyToPem(caKey));
        fs.writeFileSync(f("ca.pem"), forge.pki.certificateToPem(ca));
        try {
            fs.unlinkSync(f("server.pem"));
        } catch {
            /* none yet */
        }
    }
    let certPem: string;
    let keyPem: string;
    try {
        certPem = fs.readFileSync(f("server.pem"), "utf8");
        keyPem = fs.readFileSync(f("server.key"), "utf8");
        const c = forge.pki.certificateFromPem(certPem);
        if (!valid(c) || !ca.verify(c)) throw new Error("stale");
    } catch {
        const made = createServer(ca, caKey);
        certPem = forge.pki.certificateToPem(made.cert);
        keyPem = forge.pki.privateKeyToPem(made.keys.privateKey);
        writePrivate(f("server.key"), keyPem);
        fs.writeFileSync(f("server.pem"), certPem);
    }
    const serverPub = forge.pki.certificateFromPem(certPem).publicKey as forge.pki.rsa.PublicKey;
    return {
        caPem: forge.pki.certificateToPem(ca),
        caFile: f("ca.pem"),
        certPem,
        keyPem,
        engineSshPub: forge.ssh.publicKeyToOpenSSH(serverPub, "ovirt-engine"),
        caSshPub: forge.ssh.publicKeyToOpenSSH(ca.publicKey as forge.pki.rsa.PublicKey, "ovirt-engine-ca"),
    };
}
