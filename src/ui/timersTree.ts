/** The `Timers` tree view: maps the pure tree model (treeModel.ts) to TreeItems with icons and reveal. */
import * as vscode from 'vscode';
import type { MarkKind } from '../editor/decorationPlan';
import { Colors, Commands } from '../shared/contributions';
import { Throttle } from './throttle';
import type { TreeNode } from './treeModel';

const MARK_ICON: Record<MarkKind, [string, string]> = {
  leak: ['error', Colors.Leak],
  late: ['warning', Colors.Late],
  churn: ['sync', Colors.Churn],
  healthy: ['circle-small-filled', Colors.Healthy],
  unrefd: ['circle-small', Colors.Healthy],
};

export class TimersTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] = [];
  /** A live session updates several times a second; a tree redraw twice a second is plenty. */
  private readonly throttle = new Throttle(() => this.changed.fire(undefined), 500);

  update(roots: TreeNode[]): void {
    this.roots = roots;
    this.throttle.request();
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.type === 'process'
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.type;
    if (node.type === 'process') item.iconPath = new vscode.ThemeIcon('server-process');
    else if (node.type === 'timer') item.iconPath = new vscode.ThemeIcon('watch');
    else if (node.mark) item.iconPath = new vscode.ThemeIcon(MARK_ICON[node.mark][0], new vscode.ThemeColor(MARK_ICON[node.mark][1]));
    if (node.location && node.location.file.startsWith('/')) {
      item.command = { command: Commands.RevealSite, title: 'Reveal in Editor', arguments: [node.location] };
      item.resourceUri = vscode.Uri.file(node.location.file);
    }
    return item;
  }

  dispose(): void {
    this.throttle.cancel();
    this.changed.dispose();
  }
}
