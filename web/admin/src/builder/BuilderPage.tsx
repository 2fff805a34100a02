import { Background, Controls, MiniMap, ReactFlow, type Edge, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo, useRef, useState, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BOT_ID } from '../../../../src/flow/bot-schema.ts';
import type { ServiceFieldRef } from '../../../../src/vocabulary/service-fields.ts';
import { download } from '../download.ts';
import { FileProblems } from '../FileProblems.tsx';
import { useLocale } from '../locale.ts';
import { serviceFieldFed, variablesByBlock } from './analysis.ts';
import type { BlockType } from './blocks.ts';
import { BlockNodeView } from './BlockNodeView.tsx';
import { BotSettings } from './BotSettings.tsx';
import { CanvasContext } from './context.ts';
import { addBlock, setAdvanced, setField } from './edits.ts';
import { botFromDoc, connect, portsOf, portText, removeBlocks, renameBlock, type BlockNode, type Doc } from './graph.ts';
import { useHistory } from './history.ts';
import { Inspector } from './Inspector.tsx';
import { autoLayout } from './layout.ts';
import { Palette } from './Palette.tsx';
import { Preview } from './Preview.tsx';
import { Toolbar, type Panel } from './Toolbar.tsx';
import { useBotFile } from './use-bot-file.ts';
import { useCanvasEditing } from './use-canvas-editing.ts';
import { useDirectory } from './use-directory.ts';
import { useProblems } from './use-problems.ts';
import { useProviders } from './use-providers.ts';
import { Versions } from './Versions.tsx';

const NODE_TYPES = { block: BlockNodeView };
/**
 * The first view: every block if it fits, but never so small that a block's text reads under
 * 11 px (13 px × 0.85); a larger bot is then seen in part, with the minimap for the rest.
 */
const FIT = { maxZoom: 1, minZoom: 0.85 } as const;
/** Fits the bot to the canvas; a bot too large to read whole is shown from its start block, at the left, onwards. */
async function fit(flow: ReactFlowInstance<BlockNode, Edge> | null, start: string | undefined): Promise<void> {
  if (!flow) return;
  await flow.fitView(FIT);
  const first = start === undefined ? undefined : flow.getNode(start);
  const { zoom } = flow.getViewport();
  if (first === undefined || zoom > FIT.minZoom + 0.001) return;
  const whole = flow.getNodesBounds(flow.getNodes());
  await flow.setViewport({ x: 24 - first.position.x * zoom, y: 24 - whole.y * zoom, zoom });
}

const EMPTY: Doc = { meta: { id: '' }, nodes: [], edges: [] };

/** A bot id the server refuses opens no builder: its errors would be about everything but the id. */
export default function BuilderPage({ botId }: { botId: string }) {
  const { t } = useTranslation();
  if (!BOT_ID.test(botId)) {
    return (
      <p className="error" role="alert">
        {t('bots.badId', { id: botId })}
      </p>
    );
  }
  return <Builder botId={botId} />;
}

/** The builder: the canvas in the middle, the palette on the left, the selected block's form (or the bot's settings) and a side panel on the right. */
function Builder({ botId }: { botId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const history = useHistory<Doc>(EMPTY);
  const doc = history.present;
  const bot = useMemo(() => botFromDoc(doc), [doc]);
  const providers = useProviders();
  const directory = useDirectory();
  const known = useMemo(() => (ref: ServiceFieldRef) => directory.choices(ref).map((c) => c.value), [directory]);
  const problems = useProblems(bot, doc.nodes.length === 0, locale, known);
  const file = useBotFile(botId, history, problems.setServerProblems, known);
  const canvas = useCanvasEditing(history);
  const variables = useMemo(() => variablesByBlock(bot), [bot]);
  const [previewPath, setPreviewPath] = useState<string[]>([]);
  const [panel, setPanel] = useState<Panel>(null);
  const flow = useRef<ReactFlowInstance<BlockNode, Edge> | null>(null);
  // A new block may land outside the view: show every block again once it is drawn.
  const fitSoon = () => setTimeout(() => void fit(flow.current, history.current.current.meta.start), 50);

  const selected = doc.nodes.find((n) => n.selected);
  // The form stays mounted while its block is renamed (keyed by the id it was opened with), so
  // the field clicked right after a rename keeps the focus and what is typed into it.
  const formKeys = useRef(new Map<string, string>());
  const formKey = selected ? (formKeys.current.get(selected.id) ?? selected.id) : '';
  // Opening or closing a side panel resizes the canvas: fit the blocks to it again.
  useEffect(() => {
    fitSoon();
  }, [panel]);
  const pathSet = useMemo(() => new Set(previewPath), [previewPath]);
  const edges = useMemo(() => {
    const taken = new Set<string>();
    for (let i = 0; i + 1 < previewPath.length; i++) taken.add(`${previewPath[i]}→${previewPath[i + 1]}`);
    // An outcome's edge is labelled with its words in the admin's language (the file keeps the code).
    const labelOf = (e: Edge): string | undefined => {
      if (!e.sourceHandle?.startsWith('ports.')) return undefined;
      const node = doc.nodes.find((n) => n.id === e.source);
      const port = node && portsOf(node.data.block, node.data.advanced).find((p) => p.id === e.sourceHandle);
      return port ? portText(port, locale) : undefined;
    };
    return doc.edges.map((e): Edge => {
      const labelled = { ...e, label: labelOf(e) };
      return taken.has(`${e.source}→${e.target}`) ? { ...labelled, className: 'on-path', animated: true } : labelled;
    });
  }, [doc.edges, doc.nodes, previewPath, locale]);
  const info = useMemo(
    () => ({ start: doc.meta.start, problems: problems.byBlock, providers, path: pathSet }),
    [doc.meta.start, problems.byBlock, providers, pathSet],
  );

  const optionValuesFor = (node: BlockNode) => {
    const save = node.data.block['save'];
    const ref = node.data.block.type === 'choice' && typeof save === 'string' ? serviceFieldFed(bot, save) : null;
    return ref === null ? undefined : directory.choices(ref);
  };

  const add = (type: BlockType) => {
    history.commit((d) => addBlock(d, type));
    fitSoon();
  };

  return (
    <div className="builder">
      <Toolbar
        botId={botId}
        errorCount={problems.errorCount}
        panel={panel}
        onPanel={setPanel}
        writing={file.writing}
        onSave={() => void file.save()}
        onPublish={() => void file.publish()}
        onUndo={history.undo}
        onRedo={history.redo}
        onAutoLayout={() => {
          // A failing layout is reported in the status line, never an unhandled rejection.
          autoLayout(history.current.current).then((laid) => {
            history.commit(() => laid);
            file.redraw();
          }, file.failed);
        }}
        onImport={(f) => void file.importFile(f)}
        onExport={() => download(`${botId}.yaml`, new Blob([file.yamlText()], { type: 'application/yaml' }))}
      />
      {file.status && (
        <p className={`status ${file.status.kind}`} role={file.status.kind === 'error' ? 'alert' : 'status'}>
          {file.status.text}
        </p>
      )}
      {file.fileProblems && <FileProblems file={file.fileProblems.file} problems={file.fileProblems.problems} />}
      {problems.ofBot.length > 0 && (
        <ul className="bot-problems" role="alert">
          {problems.ofBot.map((p, i) => (
            <li key={i}>
              {p.field ? `${p.field}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <div className="builder-body">
        <Palette providers={providers} onAdd={add} />
        <div className="canvas" data-testid="canvas">
          <CanvasContext.Provider value={info}>
            <ReactFlow
              key={file.loaded}
              nodes={doc.nodes as BlockNode[]}
              edges={edges}
              nodeTypes={NODE_TYPES}
              onNodesChange={canvas.onNodesChange}
              onEdgesChange={canvas.onEdgesChange}
              onConnect={canvas.onConnect}
              onInit={(instance) => {
                flow.current = instance;
                fitSoon();
              }}
              deleteKeyCode={null}
              minZoom={0.2}
            >
              <Background />
              <Controls />
              <MiniMap pannable zoomable ariaLabel={t('builder.minimap')} />
            </ReactFlow>
          </CanvasContext.Provider>
        </div>
        {selected ? (
          <Inspector
            key={formKey}
            doc={doc}
            node={selected}
            problems={problems.byBlock.get(selected.id) ?? []}
            variables={variables.get(selected.id) ?? []}
            directory={directory}
            optionValues={optionValuesFor(selected)}
            onField={(path, value) => history.commit((d) => setField(d, selected.id, path, value), `${selected.id}:${path.join('.')}`)}
            onRename={(to) => {
              if (history.current.current.nodes.some((n) => n.id === to)) return false;
              // The renamed block keeps its form; a block later given the old id gets another ('~' is not allowed in an id).
              formKeys.current.set(to, formKey);
              formKeys.current.set(selected.id, `${formKey}~`);
              history.commit((d) => renameBlock(d, selected.id, to));
              return true;
            }}
            onConnect={(port, target) => history.commit((d) => connect(d, selected.id, port, target))}
            onAdvanced={(port, on) => history.commit((d) => setAdvanced(d, selected.id, port, on))}
            onStart={() => history.commit((d) => ({ ...d, meta: { ...d.meta, start: selected.id } }))}
            onDelete={() => history.commit((d) => removeBlocks(d, new Set([selected.id])))}
            onDuplicate={canvas.duplicate}
          />
        ) : (
          <BotSettings
            meta={doc.meta}
            // Typing the name is one undo step; a language is one pick.
            onChange={(key, value) => history.commit((d) => ({ ...d, meta: { ...d.meta, [key]: value } }), key === 'name' ? 'bot:name' : null)}
          />
        )}
        {panel === 'preview' && <Preview bot={() => botFromDoc(history.current.current)} nodes={doc.nodes} onPath={setPreviewPath} />}
        {panel === 'versions' && (
          <Versions key={file.versions} botId={botId} onLoad={(v) => void file.load(v)} onRolledBack={(v, warnings) => void file.rolledBack(v, warnings)} />
        )}
      </div>
    </div>
  );
}
