# Does knowing the other learners' curves on the same data set (observed to the same cut) help predict the end?
import json, numpy as np
from collections import defaultdict
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GroupKFold
CUT=0.25
def feats(n, s):
    n=np.array(n,float); s=np.array(s,float); ln=np.log(n)
    k=len(n)
    slope=(s[-1]-s[-2])/(ln[-1]-ln[-2]); slope2=(s[-1]-s[0])/(ln[-1]-ln[0])
    curv=slope-((s[-2]-s[-3])/(ln[-2]-ln[-3]))
    return [s[-1], slope, slope2, curv, k, ln[-1], s.max()-s[-1], s[0]]
rows=[]
for metric in ('f1','auc'):
    d=json.load(open(f'.plateau/lcdb/curves-{metric}.json'))['curves']
    by=defaultdict(list)
    for c in d:
        if len(c['n'])<8: continue
        N=max(c['n']); k=sum(1 for x in c['n'] if x<=CUT*N*(1+1e-9))
        if k<3: continue
        by[(metric,c['openmlid'])].append((c,k))
    for key,cs in by.items():
        F=[feats(c['n'][:k],c['score'][:k]) for c,k in cs]
        for i,(c,k) in enumerate(cs):
            own=F[i]
            others=[F[j] for j in range(len(cs)) if j!=i]
            if others:
                o=np.array(others); cross=[np.median(o[:,0]), np.median(o[:,1]), np.max(o[:,0]), np.median(o[:,2]), len(others), own[0]-np.max(o[:,0])]
            else: cross=[np.nan]*5+[np.nan]
            rows.append(dict(g=key[1], odd=key[1]%2, own=own, cross=cross, y=c['score'][-1]-c['score'][k-1], last=c['score'][k-1]))
print(len(rows))
y=np.array([r['y'] for r in rows]); g=np.array([r['g'] for r in rows])
for name,X in (('own',np.array([r['own'] for r in rows])),('own+cross',np.array([r['own']+r['cross'] for r in rows]))):
    pred=np.zeros_like(y)
    for tr,te in GroupKFold(5).split(X,y,g):
        m=HistGradientBoostingRegressor(loss='absolute_error',max_iter=300,learning_rate=0.05).fit(X[tr],y[tr]); pred[te]=m.predict(X[te])
    e=np.abs(pred-y); print(name,'MAE',e.mean().round(4),'median',np.median(e).round(4))
e=np.abs(y); print('last value MAE',e.mean().round(4),np.median(e).round(4))
