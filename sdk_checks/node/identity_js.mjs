// amazon-cognito-identity-js against the emulator: the pool's `endpoint` option is the only
// change from an app talking to Cognito. Its callback API is wrapped in promises here, one
// function per SDK call, so each check reads as the app's code would.
import identity from 'amazon-cognito-identity-js';

import {
  config,
  expect,
  latestCode,
  newUser,
  nextTotpCode,
  runAll,
  runScenario,
} from './harness.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = identity;
const SDK = 'amazon-cognito-identity-js';

// Trailing slash: the SDK posts to this URL as it is.
const pool = new CognitoUserPool({
  UserPoolId: config.userPoolId,
  ClientId: config.clientId,
  endpoint: `${config.endpoint}/`,
});

function signUp({ username, password, email }) {
  const attributes = [new CognitoUserAttribute({ Name: 'email', Value: email })];
  return new Promise((resolve, reject) => {
    pool.signUp(username, password, attributes, null, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

function confirmRegistration(user, code) {
  return new Promise((resolve, reject) => {
    user.confirmRegistration(code, true, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** SRP sign-in (the SDK's default flow): the session, or the challenge Cognito asked for. */
function authenticate(user, password) {
  const details = new AuthenticationDetails({ Username: user.getUsername(), Password: password });
  return new Promise((resolve, reject) => {
    const challenge = (name) => () => resolve({ challenge: name });
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ session }),
      onFailure: reject,
      totpRequired: challenge('SOFTWARE_TOKEN_MFA'),
      mfaRequired: challenge('SMS_MFA'),
      selectMFAType: challenge('SELECT_MFA_TYPE'),
      mfaSetup: challenge('MFA_SETUP'),
      newPasswordRequired: challenge('NEW_PASSWORD_REQUIRED'),
      customChallenge: challenge('CUSTOM_CHALLENGE'),
    });
  });
}

function getUserAttributes(user) {
  return new Promise((resolve, reject) => {
    user.getUserAttributes((error, attributes) => (error ? reject(error) : resolve(attributes)));
  });
}

function refreshSession(user, refreshToken) {
  return new Promise((resolve, reject) => {
    user.refreshSession(refreshToken, (error, session) =>
      error ? reject(error) : resolve(session),
    );
  });
}

function associateSoftwareToken(user) {
  return new Promise((resolve, reject) => {
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject });
  });
}

function verifySoftwareToken(user, code) {
  return new Promise((resolve, reject) => {
    user.verifySoftwareToken(code, 'sdk-checks', { onSuccess: resolve, onFailure: reject });
  });
}

function preferTotp(user) {
  return new Promise((resolve, reject) => {
    user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

function sendTotpCode(user, code) {
  return new Promise((resolve, reject) => {
    user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA');
  });
}

/** signOut with a callback: RevokeToken on the refresh token, then the local session cleared. */
function signOutRevoking(user) {
  return new Promise((resolve, reject) => {
    user.signOut((error) => (error ? reject(error) : resolve()));
  });
}

function globalSignOut(user) {
  return new Promise((resolve, reject) => {
    user.globalSignOut({ onSuccess: resolve, onFailure: reject });
  });
}

/** Resolves to the error `promise` fails with; throws if it succeeds instead. */
async function refusal(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} was accepted`);
}

function signUpAndConfirmSteps(person, user) {
  return [
    [
      'sign up',
      async () => {
        const result = await signUp(person);
        expect(result.userConfirmed === false, `userConfirmed is ${result.userConfirmed}`);
      },
    ],
    [
      'confirm sign-up with the emailed code',
      async () => {
        const answer = await confirmRegistration(
          user,
          await latestCode(person.username, 'sign_up'),
        );
        expect(answer === 'SUCCESS', `confirmRegistration answered ${answer}`);
      },
    ],
  ];
}

async function passwordScenario() {
  const person = newUser('idjs');
  const user = new CognitoUser({ Username: person.username, Pool: pool });
  let session;
  return runScenario(SDK, 'password', [
    ...signUpAndConfirmSteps(person, user),
    [
      'SRP sign-in with a wrong password is refused',
      async () => {
        const error = await refusal(authenticate(user, `${person.password}x`), 'a wrong password');
        const answer = `${error.code}: ${error.message}`;
        expect(answer === 'NotAuthorizedException: Incorrect username or password.', answer);
      },
    ],
    [
      'SRP sign-in',
      async () => {
        const answer = await authenticate(user, person.password);
        expect(answer.session, `signed in with a challenge instead: ${answer.challenge}`);
        session = answer.session;
        const email = (await getUserAttributes(user)).find((a) => a.getName() === 'email');
        expect(email?.getValue() === person.email, `email attribute is ${email?.getValue()}`);
      },
    ],
    [
      'refreshSession',
      async () => {
        const refreshed = await refreshSession(user, session.getRefreshToken());
        const before = session.getAccessToken().getJwtToken();
        expect(
          refreshed.getAccessToken().getJwtToken() !== before,
          'the same access token came back',
        );
        session = refreshed;
      },
    ],
    [
      'signOut revokes the refresh token',
      async () => {
        const refreshToken = session.getRefreshToken();
        await signOutRevoking(user);
        const error = await refusal(
          refreshSession(user, refreshToken),
          'the revoked refresh token',
        );
        expect(
          error.code === 'NotAuthorizedException',
          `refused with ${error.code}: ${error.message}`,
        );
      },
    ],
    [
      'globalSignOut ends the access token',
      async () => {
        const answer = await authenticate(user, person.password);
        expect(answer.session, `signed in with a challenge instead: ${answer.challenge}`);
        await globalSignOut(user);
        user.setSignInUserSession(answer.session); // the app's copy of the tokens, now revoked
        const error = await refusal(getUserAttributes(user), 'the signed-out access token');
        expect(
          error.code === 'NotAuthorizedException',
          `refused with ${error.code}: ${error.message}`,
        );
      },
    ],
  ]);
}

async function totpScenario() {
  const person = newUser('idjs-totp');
  const user = new CognitoUser({ Username: person.username, Pool: pool });
  let secret;
  return runScenario(SDK, 'totp', [
    ...signUpAndConfirmSteps(person, user),
    [
      'SRP sign-in',
      async () => {
        const answer = await authenticate(user, person.password);
        expect(answer.session, `signed in with a challenge instead: ${answer.challenge}`);
      },
    ],
    [
      'associateSoftwareToken',
      async () => {
        secret = await associateSoftwareToken(user);
        expect(
          /^[A-Z2-7]{16,}$/.test(secret),
          `SecretCode ${JSON.stringify(secret)} is not base32`,
        );
      },
    ],
    [
      'verifySoftwareToken',
      async () => {
        const answer = await verifySoftwareToken(user, await nextTotpCode(secret));
        expect(answer.Status === 'SUCCESS', `Status is ${answer.Status}`);
      },
    ],
    [
      'setUserMfaPreference (TOTP preferred)',
      async () => {
        const answer = await preferTotp(user);
        expect(answer === 'SUCCESS', `setUserMfaPreference answered ${answer}`);
      },
    ],
    [
      'SRP sign-in asks for the TOTP code',
      async () => {
        user.signOut(); // local only: forget the tokens, as a new visit would
        const answer = await authenticate(user, person.password);
        expect(
          answer.challenge === 'SOFTWARE_TOKEN_MFA',
          `answered ${answer.challenge ?? 'tokens'}`,
        );
      },
    ],
    [
      'sendMFACode (SOFTWARE_TOKEN_MFA) signs in',
      async () => {
        const session = await sendTotpCode(user, await nextTotpCode(secret));
        expect(session.isValid(), 'the session is not valid');
        await getUserAttributes(user);
      },
    ],
    [
      'globalSignOut',
      async () => {
        const answer = await globalSignOut(user);
        expect(answer === 'SUCCESS', `globalSignOut answered ${answer}`);
      },
    ],
  ]);
}

await runAll([passwordScenario, totpScenario]);
