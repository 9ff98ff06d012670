// aws-amplify v6 (aws-amplify/auth) against the emulator: `userPoolEndpoint` in Amplify's
// configuration is the only change from an app talking to Cognito. In Node 20 Amplify needs no
// polyfills: it uses the global fetch and WebCrypto, and with no window.localStorage it keeps
// its tokens in memory (@aws-amplify/core's getLocalStorageWithFallback).
//
// Amplify swallows the errors of its sign-out calls (RevokeToken, GlobalSignOut) and hides the
// refresh token, so a spy on fetch records every cognito-idp call's operation, request and
// answer: the checks assert what Amplify actually sent and what the emulator answered.
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmSignUp,
  fetchAuthSession,
  fetchUserAttributes,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';

import {
  advanceClock,
  config,
  expect,
  latestCode,
  newUser,
  nextTotpCode,
  refusalOf,
  runAll,
  runScenario,
} from './harness.mjs';

const SDK = 'aws-amplify';

/** Every cognito-idp call Amplify made: {operation, request, status, answer}. */
const calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const target = new Headers(init.headers).get('x-amz-target');
  const response = await realFetch(url, init);
  if (target) {
    const text = await response.clone().text();
    calls.push({
      operation: target.split('.').pop(),
      request: JSON.parse(init.body ?? '{}'),
      status: response.status,
      answer: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    });
  }
  return response;
};

function callsOf(operation) {
  return calls.filter((call) => call.operation === operation);
}

/** The one call of `operation` made while `action` ran; throws unless it answered 200. */
async function soleCall(operation, action) {
  const before = callsOf(operation).length;
  await action();
  const made = callsOf(operation).slice(before);
  expect(made.length === 1, `Amplify called ${operation} ${made.length} times`);
  const [call] = made;
  expect(
    call.status === 200,
    `${operation} answered ${call.status}: ${JSON.stringify(call.answer)}`,
  );
  return call;
}

// The client with refresh-token rotation: Amplify v6 refreshes with GetTokensFromRefreshToken
// (@aws-amplify/auth, providers/cognito/utils/refreshAuthTokens).
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.rotatingClientId,
      userPoolEndpoint: config.endpoint,
    },
  },
});

async function accessToken() {
  const { tokens } = await fetchAuthSession();
  expect(tokens?.accessToken, 'fetchAuthSession has no access token');
  return tokens.accessToken.toString();
}

function signUpAndConfirmSteps(person) {
  return [
    [
      'signUp',
      async () => {
        const { isSignUpComplete, nextStep } = await signUp({
          username: person.username,
          password: person.password,
          options: { userAttributes: { email: person.email } },
        });
        expect(!isSignUpComplete, 'isSignUpComplete before confirmation');
        expect(nextStep.signUpStep === 'CONFIRM_SIGN_UP', `nextStep is ${nextStep.signUpStep}`);
      },
    ],
    [
      'confirmSignUp with the emailed code',
      async () => {
        const { isSignUpComplete } = await confirmSignUp({
          username: person.username,
          confirmationCode: await latestCode(person.username, 'sign_up'),
        });
        expect(isSignUpComplete, 'isSignUpComplete is false');
      },
    ],
  ];
}

function srpSignInStep(person) {
  return [
    'signIn (SRP)',
    async () => {
      const { isSignedIn, nextStep } = await signIn({
        username: person.username,
        password: person.password,
      });
      expect(isSignedIn, `not signed in: nextStep is ${nextStep.signInStep}`);
      const attributes = await fetchUserAttributes();
      expect(attributes.email === person.email, `email is ${attributes.email}`);
    },
  ];
}

/** A sign-in that must stop at `step`, then answered with `code()`'s code. */
function codeSignInSteps(person, { signInOptions, step, code }) {
  return [
    [
      `signIn asks for ${step}`,
      async () => {
        const { isSignedIn, nextStep } = await signIn({
          username: person.username,
          ...signInOptions,
        });
        expect(!isSignedIn, 'signed in without a code');
        expect(nextStep.signInStep === step, `nextStep is ${nextStep.signInStep}`);
      },
    ],
    [
      'confirmSignIn with the code signs in',
      async () => {
        const { isSignedIn, nextStep } = await confirmSignIn({ challengeResponse: await code() });
        expect(isSignedIn, `not signed in: nextStep is ${nextStep.signInStep}`);
        await fetchUserAttributes();
      },
    ],
  ];
}

function signOutStep() {
  return [
    'signOut revokes the refresh token',
    async () => {
      await soleCall('RevokeToken', () => signOut());
      const { tokens } = await fetchAuthSession();
      expect(tokens === undefined, 'tokens are left after signOut');
    },
  ];
}

const forgetSignedInUser = () => signOut();

async function passwordScenario() {
  const person = newUser('amplify');
  return runScenario(
    SDK,
    'password',
    [...signUpAndConfirmSteps(person), srpSignInStep(person), signOutStep()],
    forgetSignedInUser,
  );
}

async function refreshScenario() {
  const person = newUser('amplify-refresh');
  return runScenario(
    SDK,
    'refresh',
    [
      ...signUpAndConfirmSteps(person),
      srpSignInStep(person),
      [
        'fetchAuthSession({forceRefresh: true}) uses GetTokensFromRefreshToken',
        async () => {
          const before = await accessToken();
          const call = await soleCall('GetTokensFromRefreshToken', () =>
            fetchAuthSession({ forceRefresh: true }),
          );
          expect((await accessToken()) !== before, 'the same access token came back');
          const rotated = call.answer.AuthenticationResult?.RefreshToken;
          expect(
            rotated && rotated !== call.request.RefreshToken,
            'no new refresh token (rotation)',
          );
        },
      ],
      [
        'a second refresh sends the rotated refresh token',
        async () => {
          const [previous] = callsOf('GetTokensFromRefreshToken').slice(-1);
          const call = await soleCall('GetTokensFromRefreshToken', () =>
            fetchAuthSession({ forceRefresh: true }),
          );
          const expected = previous.answer.AuthenticationResult.RefreshToken;
          expect(call.request.RefreshToken === expected, 'Amplify sent another refresh token');
        },
      ],
      [
        'the rotated-out refresh token is refused once its grace period is over',
        async () => {
          const [first] = callsOf('GetTokensFromRefreshToken').slice(-2);
          await advanceClock(61); // RetryGracePeriodSeconds is 60 at the most
          const refusal = await refusalOf('GetTokensFromRefreshToken', {
            ClientId: config.rotatingClientId,
            RefreshToken: first.request.RefreshToken,
          });
          // botocore's model: "a refresh token that has been invalidated by refresh-token rotation"
          expect(refusal.startsWith('RefreshTokenReuseException:'), refusal);
        },
      ],
      signOutStep(),
      [
        'the revoked refresh token is refused',
        async () => {
          const [revoked] = callsOf('RevokeToken').slice(-1);
          const refusal = await refusalOf('GetTokensFromRefreshToken', {
            ClientId: config.rotatingClientId,
            RefreshToken: revoked.request.Token,
          });
          expect(refusal.startsWith('NotAuthorizedException:'), refusal);
        },
      ],
    ],
    forgetSignedInUser,
  );
}

async function totpScenario() {
  const person = newUser('amplify-totp');
  let secret;
  return runScenario(
    SDK,
    'totp',
    [
      ...signUpAndConfirmSteps(person),
      srpSignInStep(person),
      [
        'setUpTOTP',
        async () => {
          const details = await setUpTOTP();
          secret = details.sharedSecret;
          expect(
            /^[A-Z2-7]{16,}$/.test(secret),
            `sharedSecret ${JSON.stringify(secret)} is not base32`,
          );
          const uri = details.getSetupUri('sdk-checks', person.username).toString();
          expect(uri.startsWith('otpauth://totp/'), `setup URI ${uri}`);
        },
      ],
      [
        'verifyTOTPSetup',
        async () => {
          await verifyTOTPSetup({ code: await nextTotpCode(secret) });
        },
      ],
      [
        'updateMFAPreference (TOTP preferred)',
        async () => {
          await updateMFAPreference({ totp: 'PREFERRED' });
          await signOut();
        },
      ],
      [
        'a wrong TOTP code is refused (CodeMismatchException)',
        async () => {
          const { nextStep } = await signIn({
            username: person.username,
            password: person.password,
          });
          const step = nextStep.signInStep;
          expect(step === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', `nextStep is ${step}`);
          const code = await nextTotpCode(secret);
          const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
          const error = await confirmSignIn({ challengeResponse: wrong }).then(
            () => {
              throw new Error('the wrong code signed in');
            },
            (refused) => refused,
          );
          expect(
            error.name === 'CodeMismatchException',
            `refused with ${error.name}: ${error.message}`,
          );
        },
      ],
      ...codeSignInSteps(person, {
        signInOptions: { password: person.password },
        step: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE',
        code: () => nextTotpCode(secret),
      }),
      [
        'signOut({global: true}) ends the access token',
        async () => {
          const token = await accessToken();
          await soleCall('GlobalSignOut', () => signOut({ global: true }));
          const refusal = await refusalOf('GetUser', { AccessToken: token });
          expect(refusal.startsWith('NotAuthorizedException:'), refusal);
        },
      ],
    ],
    forgetSignedInUser,
  );
}

async function emailMfaScenario() {
  const person = newUser('amplify-email-mfa');
  return runScenario(
    SDK,
    'email MFA',
    [
      ...signUpAndConfirmSteps(person),
      srpSignInStep(person),
      [
        'updateMFAPreference (email preferred)',
        async () => {
          await updateMFAPreference({ email: 'PREFERRED' });
          await signOut();
        },
      ],
      ...codeSignInSteps(person, {
        signInOptions: { password: person.password },
        step: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE',
        code: () => latestCode(person.username, 'mfa'),
      }),
      signOutStep(),
    ],
    forgetSignedInUser,
  );
}

async function passwordlessScenario() {
  const person = newUser('amplify-passwordless');
  return runScenario(
    SDK,
    'USER_AUTH email OTP',
    [
      ...signUpAndConfirmSteps(person),
      ...codeSignInSteps(person, {
        signInOptions: { options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } },
        step: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE',
        code: () => latestCode(person.username, 'sign_in'),
      }),
      signOutStep(),
    ],
    forgetSignedInUser,
  );
}

async function choiceScenario() {
  const person = newUser('amplify-choice');
  return runScenario(
    SDK,
    'USER_AUTH choice',
    [
      ...signUpAndConfirmSteps(person),
      [
        'signIn (USER_AUTH) offers the first factors',
        async () => {
          const { nextStep } = await signIn({
            username: person.username,
            options: { authFlowType: 'USER_AUTH' },
          });
          const step = nextStep.signInStep;
          expect(step === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', `nextStep is ${step}`);
          const offered = nextStep.availableChallenges ?? [];
          for (const factor of ['PASSWORD_SRP', 'EMAIL_OTP']) {
            expect(offered.includes(factor), `availableChallenges ${JSON.stringify(offered)}`);
          }
        },
      ],
      [
        'confirmSignIn chooses PASSWORD_SRP',
        async () => {
          const { nextStep } = await confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
          const step = nextStep.signInStep;
          expect(step === 'CONFIRM_SIGN_IN_WITH_PASSWORD', `nextStep is ${step}`);
        },
      ],
      [
        'confirmSignIn with the password signs in',
        async () => {
          const { isSignedIn, nextStep } = await confirmSignIn({
            challengeResponse: person.password,
          });
          expect(isSignedIn, `not signed in: nextStep is ${nextStep.signInStep}`);
          await fetchUserAttributes();
        },
      ],
      signOutStep(),
    ],
    forgetSignedInUser,
  );
}

await runAll([
  passwordScenario,
  refreshScenario,
  totpScenario,
  emailMfaScenario,
  passwordlessScenario,
  choiceScenario,
]);
