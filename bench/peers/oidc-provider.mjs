// node oidc-provider with one confidential client allowed the client-credentials grant:
// the peer that bench/run.sh measures token issuance against.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT ?? 5082);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench',
    client_secret: 'bench-secret',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'system/Patient.rs',
  }],
  scopes: ['system/Patient.rs'],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${port}`));
