using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ModelManifest.Testing;

/// <summary>
/// A fresh self-signed TLS server certificate for 127.0.0.1 (and localhost), valid for a day: what a test server offers
/// over HTTPS and what a client process is told to trust through <c>SSL_CERT_FILE</c>.
/// </summary>
public static class LoopbackCertificate
{
    /// <summary>Creates the certificate with its private key.</summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Creates the certificate and writes it and its key as PEM files (for servers that read files, such as Azurite).</summary>
    /// <returns>The certificate's path (also the file a client trusts) and the key's path.</returns>
    public static (string CertificatePath, string KeyPath) WritePem(string directory)
    {
        using var certificate = Create();
        string certificatePath = Path.Combine(directory, "loopback-cert.pem");
        string keyPath = Path.Combine(directory, "loopback-key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
