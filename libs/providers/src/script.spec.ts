import { ScenarioContentSchema, type ScenarioContent } from '@parley/contracts';
import { refundScenario } from './scenario.fixture';
import { normalise, ScriptObjectiveChecker, ScriptRoleplayer, walkScript } from './script';
import type { ConversationLine } from './types';

const trainee = (text: string): ConversationLine => ({ speaker: 'trainee', text });
const ai = (text: string): ConversationLine => ({ speaker: 'ai', text });

describe('script roleplayer', () => {
  const roleplayer = new ScriptRoleplayer();
  const checker = new ScriptObjectiveChecker();

  it('opens with the start node and labels itself offline', async () => {
    const opening = await roleplayer.opening({ scenario: refundScenario });
    expect(opening).toMatchObject({
      text: 'My lamp arrived two weeks late. What are you going to do about it?',
      model: 'offline-script',
      offline: true,
    });
    expect(opening.outcome).toBeUndefined();
  });

  it('walks the branches on keywords to an outcome', async () => {
    const history: ConversationLine[] = [ai('My lamp arrived two weeks late.')];
    const say = async (text: string) => {
      history.push(trainee(text));
      const reply = await roleplayer.reply({ scenario: refundScenario, history });
      history.push(ai(reply.text));
      return reply;
    };

    expect((await say('Hello, can I have your order number?')).text).toBe('Are you even listening to me?');
    expect((await say('What is the order number?')).text).toBe('I want an answer.');
    expect((await say('Still need that number')).text).toBe('Are you even listening to me?'); // fallbacks cycle
    expect(await checker.check({ scenario: refundScenario, history })).toMatchObject({ outcome: 'continue', offline: true });

    expect((await say("I'm SO sorry about that!")).text).toBe('Well, thank you for saying that. So what can you offer me?');
    expect((await say('Let me check.')).text).toBe('That does not really help me.');
    const last = await say('I can give you your money back today.');
    expect(last).toMatchObject({ text: 'A refund works for me. Thank you!', outcome: 'objective_met' });
    expect(await checker.check({ scenario: refundScenario, history })).toMatchObject({ outcome: 'objective_met' });
  });

  it('is stateless and idempotent: the same history gives the same reply', async () => {
    const history = [ai('...'), trainee('That is our policy.')];
    const first = await roleplayer.reply({ scenario: refundScenario, history });
    const second = await new ScriptRoleplayer().reply({ scenario: refundScenario, history });
    expect(first).toMatchObject({ text: 'Then I want to talk to your manager.', outcome: 'objective_failed' });
    expect(second.text).toBe(first.text);
    expect((await checker.check({ scenario: refundScenario, history })).outcome).toBe('objective_failed');
  });

  it('matches whole words and phrases only, ignoring case, punctuation and accents', () => {
    const script = refundScenario.script!;
    const at = (text: string) => walkScript(script, [trainee(text)]).node.id;
    expect(at('SORRY!!')).toBe('listening');
    expect(at('sorrynotsorry')).toBe('complain'); // not a whole word
    expect(at('It is not our problem, really.')).toBe('manager');
    expect(at('It is not our... problem')).toBe('manager'); // punctuation between the words of a phrase
    expect(at('not our own problem')).toBe('complain');
    expect(at('policyholder')).toBe('complain');
    expect(normalise('  Café — déjà-vu! ')).toBe('cafe deja vu');
  });

  it('reports a missed transcription as no match', () => {
    expect(walkScript(refundScenario.script!, [trainee('')]).line).toBe('Are you even listening to me?');
  });

  it('still talks for a scenario without a script', async () => {
    const { script: _script, ...rest } = refundScenario;
    const scenario: ScenarioContent = ScenarioContentSchema.parse(rest);
    const opening = await roleplayer.opening({ scenario });
    expect(opening.text).toBe("Hello, I'm Dana, an annoyed customer. What can I do for you?");
    const reply = await roleplayer.reply({ scenario, history: [ai(opening.text), trainee('Hi')] });
    expect(reply.text).toBe('I see. Can you tell me more about that?');
    expect((await checker.check({ scenario, history: [trainee('Hi')] })).outcome).toBe('continue');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(roleplayer.reply({ scenario: refundScenario, history: [], signal: controller.signal })).rejects.toThrow();
  });
});
