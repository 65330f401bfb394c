import * as vscode from 'vscode';

/** Owns disposables: everything registered is disposed with it, once. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  protected isDisposed = false;

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.isDisposed) disposable.dispose();
    else this.owned.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    while (this.owned.length) this.owned.pop()!.dispose();
  }
}
