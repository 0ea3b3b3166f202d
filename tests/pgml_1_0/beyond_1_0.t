Every algorithm x task pair the 1.0 scripts did not train (catboost came after 1.0; the
neighbours, single trees, naive Bayes, clustering and decomposition were in 1.0 but in no
script), on both runtimes where there are two, so that the suite trains all 61 algorithm x task
pairs (77 with both runtimes).

Regression on diabetes.
  $ pgml-cli train --project diabetes --data datasets/diabetes.csv --target target --task regression --algorithm catboost --hyperparams '{"iterations": 20, "thread_count": 1}'
  trained catboost (regression, python runtime: catboost [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 1 of project 'diabetes', deployed
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.777314
    mean_squared_error              3487.507070
    r2                              0.427251  (key metric)
    root_mean_squared_error         59.055119
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project diabetes --data datasets/diabetes.csv --target target --task regression --algorithm decision_tree --hyperparams '{"max_depth": 4}'
  trained decision_tree (regression, rust runtime: pgml-cli [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 2 of project 'diabetes', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             51.576835
    mean_squared_error              4390.239442
    r2                              0.278996  (key metric)
    root_mean_squared_error         66.258882
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project diabetes --data datasets/diabetes.csv --target target --task regression --algorithm decision_tree --hyperparams '{"max_depth": 4}' --runtime python
  trained decision_tree (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 3 of project 'diabetes', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             51.576835
    mean_squared_error              4390.239442
    r2                              0.278996  (key metric)
    root_mean_squared_error         66.258882
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project diabetes --data datasets/diabetes.csv --target target --task regression --algorithm knn
  trained knn (regression, rust runtime: pgml-cli [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 4 of project 'diabetes', deployed
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.118919
    mean_squared_error              3419.091892
    r2                              0.438487  (key metric)
    root_mean_squared_error         58.473001
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project diabetes --data datasets/diabetes.csv --target target --task regression --algorithm knn --runtime python
  trained knn (regression, python runtime: scikit-learn [..]) on 331 of 442 rows of datasets/diabetes.csv
  10 columns (10 number) -> 10 features
  recorded as model 5 of project 'diabetes', not deployed (model 4 stays deployed: its r2 is not beaten)
  test metrics on 111 rows (random sampling, seed 0):
    mean_absolute_error             46.118919
    mean_squared_error              3419.091892
    r2                              0.438487  (key metric)
    root_mean_squared_error         58.473001
  fit_time [..]s  score_time [..]s
  $ head -n 6 datasets/diabetes.csv | pgml-cli predict --project diabetes --data - --keep target
  target,target_predicted
  151,197.6
  75,80.8
  141,165.2
  206,203.4
  135,119.4

Classification on wine (178 rows, 13 features, 3 classes).
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm catboost --hyperparams '{"iterations": 20, "thread_count": 1}'
  trained catboost (classification, python runtime: catboost [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 6 of project 'wine', deployed
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.977778
    f1                              0.977951  (key metric)
    f1_macro                        0.970110
    log_loss                        0.094394
    mcc                             0.965304
    precision                       0.980000
    precision_macro                 0.966667
    recall                          0.977778
    recall_macro                    0.976190
    roc_auc                         1.000000
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm decision_tree
  trained decision_tree (classification, rust runtime: pgml-cli [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 7 of project 'wine', not deployed (model 6 stays deployed: its f1 is not beaten)
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.955556
    f1                              0.955882  (key metric)
    f1_macro                        0.950895
    log_loss                        1.601940
    mcc                             0.930292
    precision                       0.957778
    precision_macro                 0.942857
    recall                          0.955556
    recall_macro                    0.961039
    roc_auc                         0.970725
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm decision_tree --runtime python
  trained decision_tree (classification, python runtime: scikit-learn [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 8 of project 'wine', not deployed (model 6 stays deployed: its f1 is not beaten)
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.933333
    f1                              0.934224  (key metric)
    f1_macro                        0.920728
    log_loss                        2.402910
    mcc                             0.894585
    precision                       0.936296
    precision_macro                 0.918519
    recall                          0.933333
    recall_macro                    0.924002
    roc_auc                         0.946960
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm knn
  trained knn (classification, rust runtime: pgml-cli [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 9 of project 'wine', not deployed (model 6 stays deployed: its f1 is not beaten)
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.733333
    f1                              0.744974  (key metric)
    f1_macro                        0.682540
    log_loss                        1.269928
    mcc                             0.586282
    precision                       0.763162
    precision_macro                 0.686325
    recall                          0.733333
    recall_macro                    0.687350
    roc_auc                         0.874411
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm knn --runtime python
  trained knn (classification, python runtime: scikit-learn [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 10 of project 'wine', not deployed (model 6 stays deployed: its f1 is not beaten)
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.733333
    f1                              0.744974  (key metric)
    f1_macro                        0.682540
    log_loss                        1.269928
    mcc                             0.586282
    precision                       0.763162
    precision_macro                 0.686325
    recall                          0.733333
    recall_macro                    0.687350
    roc_auc                         0.874411
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm naive_bayes
  trained naive_bayes (classification, rust runtime: linfa [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 11 of project 'wine', not deployed (model 6 stays deployed: its f1 is not beaten)
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.955556
    f1                              0.955882  (key metric)
    f1_macro                        0.950895
    log_loss                        0.113398
    mcc                             0.930292
    precision                       0.957778
    precision_macro                 0.942857
    recall                          0.955556
    recall_macro                    0.961039
    roc_auc                         0.999351
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project wine --data datasets/wine.csv --target target --task classification --algorithm naive_bayes --runtime python
  trained naive_bayes (classification, python runtime: scikit-learn [..]) on 133 of 178 rows of datasets/wine.csv
  13 columns (13 number) -> 13 features
  recorded as model 12 of project 'wine', not deployed (model 6 stays deployed: its f1 is not beaten)
  test metrics on 45 rows (random sampling, seed 0):
    accuracy                        0.955556
    f1                              0.955882  (key metric)
    f1_macro                        0.950895
    log_loss                        0.113398
    mcc                             0.930292
    precision                       0.957778
    precision_macro                 0.942857
    recall                          0.955556
    recall_macro                    0.961039
    roc_auc                         0.999351
  fit_time [..]s  score_time [..]s
  $ head -n 6 datasets/wine.csv | pgml-cli predict --project wine --data - --keep target --proba
  target,0,1,2
  0,0.9885178585652636,0.005912356817049588,0.005569784617686949
  0,0.9896179070468492,0.0051180706461978285,0.005264022306952808
  0,0.9823776668847406,0.009922520834409924,0.007699812280849221
  0,0.9872071687740878,0.0060443124955438,0.006748518730368546
  0,0.9534722212651284,0.02613904210153235,0.020388736633339306

Clustering iris's measurements (the species left out).
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm kmeans --hyperparams '{"n_clusters": 3}'
  trained kmeans (clustering, rust runtime: pgml-cli [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 13 of project 'iris-clusters', deployed
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.552574  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm kmeans --hyperparams '{"n_clusters": 3}' --runtime python
  trained kmeans (clustering, python runtime: scikit-learn [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 14 of project 'iris-clusters', not deployed (model 13 stays deployed: its silhouette is not beaten)
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.552574  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm mini_batch_kmeans --hyperparams '{"n_clusters": 3}'
  trained mini_batch_kmeans (clustering, python runtime: scikit-learn [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 15 of project 'iris-clusters', not deployed (model 13 stays deployed: its silhouette is not beaten)
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.552574  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm birch --hyperparams '{"n_clusters": 3}'
  trained birch (clustering, python runtime: scikit-learn [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 16 of project 'iris-clusters', not deployed (model 13 stays deployed: its silhouette is not beaten)
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.551199  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm dbscan
  trained dbscan (clustering, rust runtime: smartcore [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 17 of project 'iris-clusters', deployed
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.582503  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm affinity_propagation
  trained affinity_propagation (clustering, python runtime: scikit-learn [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 18 of project 'iris-clusters', not deployed (model 17 stays deployed: its silhouette is not beaten)
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.316423  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-clusters --data datasets/iris.csv --ignore target --task clustering --algorithm mean_shift
  trained mean_shift (clustering, python runtime: scikit-learn [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 19 of project 'iris-clusters', deployed
  test metrics on 38 rows (random sampling, seed 0):
    silhouette                      0.721156  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli deploy iris-clusters --strategy best_score
  deployed model 19 of project 'iris-clusters' (best_score): mean_shift (python), silhouette 0.721156
  $ head -n 6 datasets/iris.csv | pgml-cli predict --project iris-clusters --data - --keep target
  target,cluster
  0,1
  0,1
  0,1
  0,1
  0,1

Decomposition of iris's measurements.
  $ pgml-cli train --project iris-components --data datasets/iris.csv --ignore target --task decomposition --algorithm pca --hyperparams '{"n_components": 2}'
  trained pca (decomposition, rust runtime: linfa [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 20 of project 'iris-components', deployed
  test metrics on 38 rows (random sampling, seed 0):
    cumulative_explained_variance   0.981420  (key metric)
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project iris-components --data datasets/iris.csv --ignore target --task decomposition --algorithm pca --hyperparams '{"n_components": 2}' --runtime python
  trained pca (decomposition, python runtime: scikit-learn [..]) on 112 of 150 rows of datasets/iris.csv
  4 columns (4 number) -> 4 features
  recorded as model 21 of project 'iris-components', not deployed (model 20 stays deployed: its cumulative_explained_variance is not beaten)
  test metrics on 38 rows (random sampling, seed 0):
    cumulative_explained_variance   0.981420  (key metric)
  fit_time [..]s  score_time [..]s
  $ head -n 6 datasets/iris.csv | pgml-cli predict --project iris-components --data -
  pc1,pc2
  -2.9533738129247635,-0.36970499513169475
  -2.990966241943491,0.11966654082728159
  -3.16592569223697,0.09277182640183668
  -3.0256774584466863,0.2677955142722509
  -2.998293484200224,-0.3739018744472204

Every model, all projects.
  $ pgml-cli models  # tolerance 0.01%: the key_metric column, compared as the metrics of fits that stop at a tolerance are (1e-4)
     id  project          algorithm             runtime  key_metric  created
     1   diabetes         catboost              python   0.427251    2026-01-01T00:00:00Z
     2   diabetes         decision_tree         rust     0.278996    2026-01-01T00:00:00Z
     3   diabetes         decision_tree         python   0.278996    2026-01-01T00:00:00Z
  *  4   diabetes         knn                   rust     0.438487    2026-01-01T00:00:00Z
     5   diabetes         knn                   python   0.438487    2026-01-01T00:00:00Z
  *  6   wine             catboost              python   0.977951    2026-01-01T00:00:00Z
     7   wine             decision_tree         rust     0.955882    2026-01-01T00:00:00Z
     8   wine             decision_tree         python   0.934224    2026-01-01T00:00:00Z
     9   wine             knn                   rust     0.744974    2026-01-01T00:00:00Z
     10  wine             knn                   python   0.744974    2026-01-01T00:00:00Z
     11  wine             naive_bayes           rust     0.955882    2026-01-01T00:00:00Z
     12  wine             naive_bayes           python   0.955882    2026-01-01T00:00:00Z
     13  iris-clusters    kmeans                rust     0.552574    2026-01-01T00:00:00Z
     14  iris-clusters    kmeans                python   0.552574    2026-01-01T00:00:00Z
     15  iris-clusters    mini_batch_kmeans     python   0.552574    2026-01-01T00:00:00Z
     16  iris-clusters    birch                 python   0.551199    2026-01-01T00:00:00Z
     17  iris-clusters    dbscan                rust     0.582503    2026-01-01T00:00:00Z
     18  iris-clusters    affinity_propagation  python   0.316423    2026-01-01T00:00:00Z
  *  19  iris-clusters    mean_shift            python   0.721156    2026-01-01T00:00:00Z
  *  20  iris-components  pca                   rust     0.981420    2026-01-01T00:00:00Z
     21  iris-components  pca                   python   0.981420    2026-01-01T00:00:00Z
