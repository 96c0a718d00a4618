// A real OpenID Connect provider for the tests, on 127.0.0.1: the npm package oidc-provider (package.json,
// devDependencies), configured as ProConnect presents itself to a client: the authorization code flow with PKCE,
// a client authenticated by client_secret_basic, ProConnect's scopes and claims (given_name, usual_name, email,
// siret, organizational_unit), the user information as a signed JWT, and RP-initiated logout.
//
//   node tests/oidc/provider.mjs PORT REDIRECT_URIS POST_LOGOUT_REDIRECT_URIS     (each list comma-separated)
//
// Its development sign-in pages accept any login and password; the login names the account (ACCOUNTS below, or a
// person made up from the login). The names, addresses and SIRET numbers are examples (the SIRET 11000000100017
// is the one tests/fixtures/community.ttl gives its example organisation). It prints "ready <issuer>" once it listens.
import Provider from "oidc-provider";

const [port, redirectUris, postLogoutUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  alice: {
    email: "alice.martin@example.gouv.fr", given_name: "Alice", usual_name: "Martin",
    siret: "11000000100017", organizational_unit: "Bureau des données",
  },
  bruno: {
    email: "bruno.durand@example.gouv.fr", given_name: "Bruno", usual_name: "Durand",
    siret: "11000000200023", organizational_unit: "Service de l'inspection",
  },
};

function claimsOf(id) {
  const known = ACCOUNTS[id];
  if (known) return { sub: id, ...known };
  return {
    sub: id, email: `${id}@example.gouv.fr`, given_name: id, usual_name: "Agent",
    siret: "", organizational_unit: "",
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: "ressourcerie",
    client_secret: "ressourcerie-test-secret",
    redirect_uris: redirectUris.split(","),
    post_logout_redirect_uris: postLogoutUris.split(","),
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "RS256",
    userinfo_signed_response_alg: "RS256",
  }],
  scopes: ["openid", "email", "given_name", "usual_name", "siret", "organizational_unit"],
  claims: {
    openid: ["sub"],
    email: ["email"],
    given_name: ["given_name"],
    usual_name: ["usual_name"],
    siret: ["siret"],
    organizational_unit: ["organizational_unit"],
  },
  conformIdTokenClaims: false,  // the scopes' claims in the ID token too, as ProConnect gives them
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => claimsOf(id) }),
  features: {
    devInteractions: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  cookies: { keys: ["ressourcerie-tests-only"] },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
});
provider.proxy = false;

const server = provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
